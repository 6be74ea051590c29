/** Prints either JSON (for scripts) or aligned `key  value` lines (for people). */
export function printResult(json: boolean, value: Record<string, unknown> | unknown[], out: NodeJS.WritableStream = process.stdout): void {
  if (json) {
    out.write(`${JSON.stringify(value, null, 2)}\n`);
    return;
  }
  if (Array.isArray(value)) {
    out.write(table(value));
    return;
  }
  const width = Math.max(...Object.keys(value).map((k) => k.length));
  for (const [k, v] of Object.entries(value)) out.write(`${k.padEnd(width)}  ${typeof v === 'string' ? v : JSON.stringify(v)}\n`);
}

const cell = (v: unknown): string => (v === null || v === undefined ? '-' : typeof v === 'string' ? v : JSON.stringify(v));

/** Rows of objects as aligned columns under a header; anything else one per line. */
function table(rows: unknown[]): string {
  if (rows.length === 0) return '(none)\n';
  if (!rows.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r))) return rows.map((r) => `${cell(r)}\n`).join('');
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r as object)))];
  const grid = [keys, ...rows.map((r) => keys.map((k) => cell((r as Record<string, unknown>)[k])))];
  const widths = keys.map((_, i) => Math.max(...grid.map((g) => g[i]!.length)));
  return grid.map((g) => `${g.map((c, i) => (i === g.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}\n`).join('');
}
