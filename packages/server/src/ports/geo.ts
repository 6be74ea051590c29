import type { GeoInfo } from '../domain/profile/geo-info.js';

/** Offline IP → location. Implementations never reach the network. */
export interface GeoLookup {
  lookup(ip: string): GeoInfo | null;
}
