import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { widgetDistDir } from '../packages/server/src/transport/http/routes/widget-assets.js';

/**
 * The widget's size budget (issue 5): the loader a shop's every page downloads — tracker,
 * invitations and socket — at most 15 KB gzipped; with the lazily loaded chat panel, at most
 * 60 KB. `npm test` builds the widget first; a missing build fails here rather than passing.
 */
const KB = 1024;
const dist = widgetDistDir();
const gz = (name: string): number => {
  const path = `${dist}/${name}`;
  if (!existsSync(path)) throw new Error(`${path} is missing: build the widget (npm run build -w @omotenashi/widget)`);
  return gzipSync(readFileSync(path), { level: 9 }).length;
};

describe('widget size budget', () => {
  it('the loader (widget.js) is at most 15 KB gzipped', () => {
    const size = gz('widget.js');
    expect(size, `widget.js is ${(size / KB).toFixed(1)} KB gzipped`).toBeLessThanOrEqual(15 * KB);
  });

  it('the loader and the chat panel together are at most 60 KB gzipped', () => {
    const size = gz('widget.js') + gz('widget-chat.js');
    expect(size, `widget.js + widget-chat.js are ${(size / KB).toFixed(1)} KB gzipped`).toBeLessThanOrEqual(60 * KB);
  });

  it('the loader leaves the chat panel to a run-time import (not bundled into it)', () => {
    const loader = readFileSync(`${dist}/widget.js`, 'utf8');
    expect(loader).toContain('widget-chat.js');
    expect(loader).not.toContain('"data-part":"panel"');
    expect(readFileSync(`${dist}/widget-chat.js`, 'utf8')).toMatch(/export\s*\{/);
  });
});
