/**
 * A duration for people reading a hold-back reason ("2 h 5 min", "3 d"): two units at most,
 * rounded down, so "why was this held?" reads at a glance in the API, CLI and logs.
 * Up to 48 h is said in hours because "24 h" is how cooldowns are thought of.
 */
export function describeDuration(ms: number): string {
  if (!(ms >= 60_000)) return `${Math.max(0, Math.floor(ms / 1000) || 0)} s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}
