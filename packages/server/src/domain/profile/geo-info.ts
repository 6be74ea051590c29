/**
 * What the IP database knows about where an event came from. The ingestion layer looks it up
 * (that is I/O) and hands it to the pure fold; every field may be unknown.
 */
export interface GeoInfo {
  country: string | null;
  region: string | null;
  city: string | null;
  /** IANA name (e.g. "Asia/Tokyo"); weaker than the client's own `context.timezone`. */
  timezone: string | null;
}
