import { describe, expect, it } from 'vitest';
import { compilePattern, validatePattern } from './pattern.js';

describe('compilePattern', () => {
  it('exact text', () => {
    const m = compilePattern('Checkout Started');
    expect(m('Checkout Started')).toBe(true);
    expect(m('checkout started')).toBe(false);
    expect(m('Checkout Started ')).toBe(false);
  });

  it('prefix', () => {
    const m = compilePattern({ prefix: '/checkout' });
    expect(m('/checkout')).toBe(true);
    expect(m('/checkout/payment')).toBe(true);
    expect(m('/cart')).toBe(false);
  });

  it('oneOf', () => {
    const m = compilePattern({ oneOf: ['Order Completed', 'Order Shipped'] });
    expect(m('Order Shipped')).toBe(true);
    expect(m('Order')).toBe(false);
    expect(compilePattern({ oneOf: ['a'] })('a')).toBe(true);
  });

  it('glob: * stays within a segment, ** crosses segments, ? is one character', () => {
    const star = compilePattern({ glob: '/products/*' });
    expect(star('/products/shoe')).toBe(true);
    expect(star('/products/')).toBe(true);
    expect(star('/products/shoe/reviews')).toBe(false);

    const deep = compilePattern({ glob: '/checkout/**' });
    expect(deep('/checkout/')).toBe(true);
    expect(deep('/checkout/payment/3ds')).toBe(true);
    expect(deep('/checkout')).toBe(true);
    expect(deep('/checkoutx')).toBe(false);

    const middle = compilePattern({ glob: '/c/*/p/*' });
    expect(middle('/c/shoes/p/42')).toBe(true);
    expect(middle('/c/shoes/x/p/42')).toBe(false);

    const segments = compilePattern({ glob: '/shop/**/checkout' });
    expect(segments('/shop/checkout')).toBe(true);
    expect(segments('/shop/en/eu/checkout')).toBe(true);
    expect(segments('/shop/encheckout')).toBe(false);
    expect(segments('/shopcheckout')).toBe(false);

    const across = compilePattern({ glob: '**/payment' });
    expect(across('/checkout/step/payment')).toBe(true);
    expect(across('/payment')).toBe(true);
    expect(across('payment')).toBe(true);
    expect(across('/xpayment')).toBe(false);
    expect(across('/payment/x')).toBe(false);

    const one = compilePattern({ glob: '/step-?' });
    expect(one('/step-1')).toBe(true);
    expect(one('/step-12')).toBe(false);
    expect(one('/step-/')).toBe(false);

    const both = compilePattern({ glob: 'https://*.example.com/**/checkout*' });
    expect(both('https://shop.example.com/en/checkout?step=2')).toBe(true);
    expect(both('https://shop.example.com/checkout')).toBe(true);
    expect(both('https://a/b.example.com/checkout')).toBe(false);

    expect(compilePattern({ glob: 'no-wildcards' })('no-wildcards')).toBe(true);
    expect(compilePattern({ glob: '*' })('')).toBe(true);
    expect(compilePattern({ glob: '**' })('/a/b')).toBe(true);
  });

  it('glob agrees with a reference regex on many random cases', () => {
    // The same rules as a (backtracking) regex, fine for tiny inputs.
    const translate = (glob: string): string => {
      let out = '';
      for (let i = 0; i < glob.length; i++) {
        const c = glob[i]!;
        if (c !== '*') out += c === '?' ? '[^/]' : c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
        else {
          let run = 1;
          while (glob[i + 1] === '*') {
            run++;
            i++;
          }
          const whole = (i - run + 1 === 0 || glob[i - run] === '/') && glob[i + 1] === '/';
          if (run >= 2 && whole) {
            out += '(?:[\\s\\S]*/)?';
            i++;
          } else out += run >= 2 ? '[\\s\\S]*' : '[^/]*';
        }
      }
      return out;
    };
    const toRegex = (glob: string): RegExp =>
      glob.endsWith('/**') && glob[glob.length - 4] !== '*'
        ? new RegExp(`^(?:${translate(glob)}|${translate(glob.slice(0, -3))})$`)
        : new RegExp(`^${translate(glob)}$`);
    // A tiny deterministic generator (no randomness in the assertions' inputs across runs).
    let seed = 42;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pick = (alphabet: string[], length: number): string => Array.from({ length }, () => alphabet[next(alphabet.length)]).join('');
    for (let i = 0; i < 3000; i++) {
      const glob = pick(['a', 'b', '/', '*', '**', '?'], 1 + next(6)).replace(/\*{3,}/g, '**');
      const text = pick(['a', 'b', '/'], next(8));
      expect(compilePattern({ glob })(text), `${glob} vs ${text}`).toBe(toRegex(glob).test(text));
    }
  });

  it('a hostile glob cannot stall matching (linear, no backtracking)', () => {
    const text = 'a'.repeat(10_000);
    for (const glob of ['*a*a*a*a*a*a*a*a*b', '*a*a*a*a*a*a*a*a*b*', '**a**a**a**a**a**a**a**a**b**', '?*?*?*?*?*?*?*?*?*b*']) {
      const match = compilePattern({ glob });
      const started = performance.now();
      expect(match(text)).toBe(false);
      expect(performance.now() - started).toBeLessThan(100);
    }
    const slashes = 'a/'.repeat(5000);
    const match = compilePattern({ glob: '**a/**a/**a/**a/**b' });
    const started = performance.now();
    expect(match(slashes)).toBe(false);
    expect(performance.now() - started).toBeLessThan(100);
  });
});

describe('validatePattern', () => {
  it('accepts good patterns', () => {
    expect(validatePattern('Order Completed')).toBeNull();
    expect(validatePattern({ prefix: '/checkout' })).toBeNull();
    expect(validatePattern({ glob: '/c/*/p/**' })).toBeNull();
    expect(validatePattern({ oneOf: ['a', 'b'] })).toBeNull();
  });

  it.each([
    ['', 'the pattern must not be empty'],
    ['  ', 'the pattern must not be empty'],
    [' Order', 'leading or trailing spaces'],
    [{ prefix: '' }, 'prefix must not be empty'],
    [{ glob: '' }, 'glob must not be empty'],
    [{ glob: '/a/***' }, '"***"'],
    [{ glob: '*'.concat('/*'.repeat(21)) }, 'glob has 22 wildcards; at most 20 are allowed'],
    [{ oneOf: [] }, 'at least one'],
    [{ oneOf: ['a', ''] }, 'oneOf[1] must not be empty'],
    [{ prefix: 'a', glob: 'b' }, 'exactly one of prefix, glob, oneOf'],
    [{ regex: '.*' }, 'exactly one of prefix, glob, oneOf'],
    [42, 'exactly one of prefix, glob, oneOf'],
  ])('%j: %s', (pattern, problem) => {
    expect(validatePattern(pattern)).toContain(problem);
  });
});
