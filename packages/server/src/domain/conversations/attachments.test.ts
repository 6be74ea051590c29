import { describe, expect, it } from 'vitest';
import { safeFileName, sniffAttachmentType } from './attachments.js';

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'latin1')] : p)));

describe('sniffAttachmentType', () => {
  const samples = {
    'image/png': bytes([0x89], 'PNG\r\n', [0x1a, 0x0a], [0, 0, 0, 13], 'IHDR'),
    'image/jpeg': bytes([0xff, 0xd8, 0xff, 0xe0], 'JFIF'),
    'image/gif': bytes('GIF89a', [1, 0, 1, 0]),
    'image/webp': bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 '),
    'application/pdf': bytes('%PDF-1.7\n'),
  } as const;

  it('recognises each accepted type by its magic bytes', () => {
    for (const [type, sample] of Object.entries(samples)) expect(sniffAttachmentType(sample)).toBe(type);
    expect(sniffAttachmentType(bytes('GIF87a'))).toBe('image/gif');
    expect(sniffAttachmentType(bytes('RIFF', [0, 0, 0, 0], 'WEBP'))).toBe('image/webp');
  });

  it('needs the whole signature', () => {
    expect(sniffAttachmentType(bytes([0x89], 'PNG\r\n', [0x1a]))).toBeNull();
    expect(sniffAttachmentType(bytes([0xff, 0xd8]))).toBeNull();
    expect(sniffAttachmentType(bytes('GIF89'))).toBeNull();
    expect(sniffAttachmentType(bytes('GIF88a'))).toBeNull();
    expect(sniffAttachmentType(bytes('RIFF', [0, 0, 0, 0], 'WEB'))).toBeNull();
    expect(sniffAttachmentType(bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt '))).toBeNull();
    expect(sniffAttachmentType(bytes('%PDF'))).toBeNull();
    expect(sniffAttachmentType(new Uint8Array())).toBeNull();
  });

  it('refuses what browsers could run or render as a page', () => {
    for (const text of ['<svg xmlns="http://www.w3.org/2000/svg"/>', '<?xml version="1.0"?><svg/>', '<!DOCTYPE html><html>', 'hello world', '\uFEFF%PDF-1.7']) {
      expect(sniffAttachmentType(new TextEncoder().encode(text)), text).toBeNull();
    }
    // The signature must be at the start, not anywhere.
    expect(sniffAttachmentType(bytes(' %PDF-1.7'))).toBeNull();
  });

  it('reads a Buffer as well', () => {
    expect(sniffAttachmentType(Buffer.from(samples['image/png']))).toBe('image/png');
  });
});

describe('safeFileName', () => {
  it('keeps an ordinary name', () => {
    expect(safeFileName('invoice 2026-03.pdf')).toBe('invoice 2026-03.pdf');
    expect(safeFileName('領収書.pdf')).toBe('領収書.pdf');
  });

  it('strips paths of either kind', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('C:\\Users\\aiko\\photo.jpg')).toBe('photo.jpg');
    expect(safeFileName('dir/')).toBe('file');
  });

  it('drops control characters, quotes, bidi overrides and characters Windows refuses', () => {
    expect(safeFileName('a"b\'c`d.png')).toBe('abcd.png');
    expect(safeFileName('x\u0000y\u007f\u0085z.gif')).toBe('xyz.gif');
    expect(safeFileName('my\tnew\r\nfile.png')).toBe('my new file.png');
    expect(safeFileName('photo\u202Egnp.exe')).toBe('photognp.exe');
    expect(safeFileName('what?<>|*:.pdf')).toBe('what.pdf');
  });

  it('drops leading dots and trailing dots and spaces', () => {
    expect(safeFileName('.htaccess')).toBe('htaccess');
    expect(safeFileName('..')).toBe('file');
    expect(safeFileName(' report.pdf. . ')).toBe('report.pdf');
  });

  it('is never empty', () => {
    for (const name of ['', '   ', '"""', '\u0000', '/', '.']) expect(safeFileName(name)).toBe('file');
    expect(safeFileName(undefined as unknown as string)).toBe('file');
  });

  it('normalises to NFC and drops lone surrogates', () => {
    expect(safeFileName('cafe\u0301.png')).toBe('caf\u00e9.png');
    expect(safeFileName('a\uD800b.png')).toBe('ab.png');
  });

  it('shortens to the limit, keeping the extension', () => {
    expect(safeFileName(`${'a'.repeat(196)}.pdf`)).toBe(`${'a'.repeat(196)}.pdf`);
    const long = safeFileName(`${'a'.repeat(300)}.pdf`);
    expect(long).toBe(`${'a'.repeat(196)}.pdf`);
    expect(safeFileName('b'.repeat(201))).toBe('b'.repeat(200));
    // An "extension" too long to be one is cut like the rest.
    expect(safeFileName(`x.${'c'.repeat(300)}`)).toHaveLength(200);
  });

  it('never splits a surrogate pair when shortening', () => {
    const name = safeFileName(`a${'😀'.repeat(150)}.png`);
    expect(name.length).toBeLessThanOrEqual(200);
    expect(name.endsWith('.png')).toBe(true);
    expect(name).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(name).toBe(`a${'😀'.repeat(97)}.png`);
  });
});
