/** Prints either JSON (for scripts) or aligned `key  value` lines (for people). */
export function printResult(json: boolean, value: Record<string, unknown> | unknown[], out: NodeJS.WritableStream = process.stdout): void {
  if (json) {
    out.write(`${JSON.stringify(value, null, 2)}\n`);
    return;
  }
  if (Array.isArray(value)) {
    for (const row of value) out.write(`${typeof row === 'object' && row !== null ? Object.values(row).join('  ') : String(row)}\n`);
    return;
  }
  const width = Math.max(...Object.keys(value).map((k) => k.length));
  for (const [k, v] of Object.entries(value)) out.write(`${k.padEnd(width)}  ${typeof v === 'string' ? v : JSON.stringify(v)}\n`);
}
