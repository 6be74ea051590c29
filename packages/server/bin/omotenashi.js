#!/usr/bin/env node
// The `omotenashi` command. A committed shim (not the compiled file itself) so npm can link it
// into node_modules/.bin at install time, before `prepare` has compiled dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));
if (!existsSync(compiled)) {
  process.stderr.write('omotenashi: not built yet; run `npm install` (or `npm run build`) in the repository root first\n');
  process.exit(1);
}
await import(compiled);
