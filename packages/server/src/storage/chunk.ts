/**
 * Splits rows so one statement stays under the bound-parameter limit of both engines
 * (SQLite: 32,766; PostgreSQL: 65,535).
 */
export function chunk<T>(rows: readonly T[], paramsPerRow: number, maxParams = 30_000): T[][] {
  const size = Math.max(1, Math.floor(maxParams / Math.max(1, paramsPerRow)));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
