// Bundles the widget with esbuild: the loader (dist/widget.js, a classic script the shop embeds)
// and the chat panel (dist/widget-chat.js, an ES module the loader imports on open or invitation).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
const common = { bundle: true, minify: true, target: ['es2020'], legalComments: 'none', absWorkingDir: root, logLevel: 'warning' };
await build({ ...common, entryPoints: ['src/loader.ts'], outfile: 'dist/widget.js', format: 'iife' });
