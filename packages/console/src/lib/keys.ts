/** Keyboard shortcuts are ignored while the operator types in a field. */
export function isTyping(e: KeyboardEvent): boolean {
  const el = e.target as HTMLElement | null;
  if (!el) return false;
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable;
}

/** "g" then a letter: go to a view. */
let gPressedAt = 0;
export function goChord(e: KeyboardEvent): string | null {
  if (e.key === 'g') { gPressedAt = Date.now(); return null; }
  if (Date.now() - gPressedAt > 1200) return null;
  gPressedAt = 0;
  return ({ i: '/', v: '/visitors', q: '/queue', p: '/playbooks', d: '/dashboard' } as Record<string, string>)[e.key] ?? null;
}
