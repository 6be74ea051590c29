import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

/**
 * The console's initial JavaScript stays within 300 KB gzipped: the scripts index.html loads
 * (module entry and modulepreload links) plus every module they import statically. Chunks
 * reached only through import() (the dashboard with uPlot, the playbook editor) are not counted,
 * because they load when their view is opened. Needs the console built (npm run build).
 */
const DIST = resolve(import.meta.dirname, '../packages/console/dist');
const LIMIT = 300 * 1024;

/** Static imports of a built module: `import … from "./x.js"` and `import "./x.js"`, never `import("./x.js")`. */
export function staticImports(code: string): string[] {
  const out: string[] = [];
  const re = /(?:^|[;\s})])import\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"']+\.js)["']/g;
  for (let m = re.exec(code); m; m = re.exec(code)) out.push(m[1]!);
  return out;
}

function fileFor(url: string, from: string): string {
  if (url.startsWith('/console/')) return join(DIST, url.slice('/console/'.length));
  if (url.startsWith('/')) return join(DIST, url.slice(1));
  return resolve(dirname(from), url);
}

export function initialScripts(html: string, htmlPath: string): string[] {
  const urls = [
    ...[...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]!),
    ...[...html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g)].map((m) => m[1]!),
  ];
  const seen = new Set<string>();
  const queue = urls.map((u) => fileFor(u, htmlPath));
  while (queue.length) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const imp of staticImports(readFileSync(file, 'utf8'))) queue.push(fileFor(imp, file));
  }
  return [...seen];
}

describe('console bundle size', () => {
  it('finds static imports but not dynamic ones', () => {
    const code = 'import{h as a}from"./preact-1.js";import"./side.js";const d=()=>import("./dashboard-2.js");';
    expect(staticImports(code)).toEqual(['./preact-1.js', './side.js']);
  });

  it('loads at most 300 KB of gzipped JavaScript initially', () => {
    const htmlPath = join(DIST, 'index.html');
    expect(existsSync(htmlPath), 'packages/console/dist/index.html is missing: run npm run build first').toBe(true);
    const files = initialScripts(readFileSync(htmlPath, 'utf8'), htmlPath);
    expect(files.length).toBeGreaterThan(0);
    const sizes = files.map((f) => ({ f, gz: gzipSync(readFileSync(f), { level: 9 }).length }));
    const total = sizes.reduce((s, x) => s + x.gz, 0);
    // Lazy views must stay out of the initial load.
    expect(files.some((f) => /dashboard|playbooks/.test(f))).toBe(false);
    expect(total, `initial JS ${Math.round(total / 1024)} KB gzipped: ${sizes.map((x) => `${x.f.split('/').pop()} ${x.gz}`).join(', ')}`).toBeLessThanOrEqual(LIMIT);
  });
});
