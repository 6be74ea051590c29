import { randomBytes } from 'node:crypto';
import { ID_PREFIXES, type IdKind } from '@omotenashi/protocol';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * Time-ordered ids (ULID layout: 48-bit milliseconds + 80 random bits, Crockford base32) with
 * a readable prefix. Time order keeps primary-key index writes appending at the right edge of
 * the B-tree instead of landing on random pages; within one millisecond ids stay monotonic.
 */
export class IdGenerator {
  private lastMs = -1;
  private readonly rand = new Uint8Array(10);
  private pool = randomBytes(4096);
  private poolPos = 0;

  constructor(private readonly now: () => number = Date.now) {}

  next(kind: IdKind): string {
    return `${ID_PREFIXES[kind]}_${this.ulid()}`;
  }

  ulid(): string {
    let ms = this.now();
    if (ms <= this.lastMs) {
      ms = this.lastMs;
      this.increment();
    } else {
      this.lastMs = ms;
      this.fillRandom();
    }
    let out = '';
    let t = ms;
    const timeChars: string[] = new Array<string>(10);
    for (let i = 9; i >= 0; i--) {
      timeChars[i] = CROCKFORD[t % 32]!;
      t = Math.floor(t / 32);
    }
    out = timeChars.join('');
    // 80 random bits = 16 base32 chars, 5 bits each.
    let bits = 0;
    let acc = 0;
    for (let i = 0; i < 10; i++) {
      acc = (acc << 8) | this.rand[i]!;
      bits += 8;
      while (bits >= 5) {
        bits -= 5;
        out += CROCKFORD[(acc >> bits) & 31]!;
      }
      acc &= (1 << bits) - 1;
    }
    return out;
  }

  private fillRandom(): void {
    if (this.poolPos + 10 > this.pool.length) {
      this.pool = randomBytes(4096);
      this.poolPos = 0;
    }
    for (let i = 0; i < 10; i++) this.rand[i] = this.pool[this.poolPos++]!;
    this.rand[0]! &= 0x7f; // leave headroom so increments within one ms never overflow
  }

  private increment(): void {
    for (let i = 9; i >= 0; i--) {
      if (this.rand[i]! < 255) {
        this.rand[i]!++;
        return;
      }
      this.rand[i] = 0;
    }
  }
}
