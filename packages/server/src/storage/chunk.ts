/**
 * Splits rows into multi-row statements of a few canonical sizes (256, 64, 16, 4, 1 rows), each
 * under the bound-parameter limit of both engines (SQLite 32,766; PostgreSQL 65,535). Canonical
 * sizes mean the same SQL text recurs, so prepared statements are reused instead of re-parsed
 * for every flush's slightly different row count.
 */
export function chunk<T>(rows: readonly T[], paramsPerRow: number, maxParams = 30_000): T[][] {
  const cap = Math.max(1, Math.floor(maxParams / Math.max(1, paramsPerRow)));
  const sizes = [256, 64, 16, 4, 1].filter((s) => s <= cap);
  if (sizes[0] !== cap && cap < 256) sizes.unshift(cap);
  const out: T[][] = [];
  let i = 0;
  while (i < rows.length) {
    const left = rows.length - i;
    const size = sizes.find((s) => s <= left) ?? 1;
    out.push(rows.slice(i, i + size));
    i += size;
  }
  return out;
}
