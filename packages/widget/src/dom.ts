/* DOM helpers shared by the loader and the chat panel. */

/** `el('button', { 'data-action': 'x' }, 'text', child)`: hand-written DOM, text only (never HTML). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...kids: (Node | string | null)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const k of kids) if (k !== null) e.append(k);
  return e;
}

/** An http(s) URL (relative ones resolved against the page), or null for anything else. */
export function safeUrl(href: unknown, base = location.href): string | null {
  if (typeof href !== 'string' || !href.trim()) return null;
  try {
    const u = new URL(href.trim(), base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/**
 * Fills an avatar circle: the photo when there is one (alt="": the name is written next to it),
 * else the initials; a photo that fails to load (moved, blocked by the shop's CSP) falls back
 * to the initials rather than a broken-image icon.
 */
export function fillAvatar(av: HTMLElement, photo: string | null, initials: string): void {
  if (!photo) {
    av.textContent = initials;
    return;
  }
  const img = el('img', { src: photo, alt: '' });
  img.addEventListener('error', () => { av.textContent = initials; }, { once: true });
  av.append(img);
}
