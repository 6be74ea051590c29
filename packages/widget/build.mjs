// Bundles the widget with esbuild: the loader (dist/widget.js, a classic script the shop embeds)
// and the chat panel (dist/widget-chat.js, an ES module the loader imports on open or invitation).
// The loader builds the chat module's URL at run time, so esbuild leaves that import() alone.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
const common = { bundle: true, minify: true, target: ['es2020'], legalComments: 'none', absWorkingDir: root, logLevel: 'warning', charset: 'utf8' };
await build({ ...common, entryPoints: ['src/loader.ts'], outfile: 'dist/widget.js', format: 'iife' });
await build({ ...common, entryPoints: ['src/chat/chat.ts'], outfile: 'dist/widget-chat.js', format: 'esm' });
// The npm entry (`import { loadOmotenashi } from '@omotenashi/widget'`): adds the script tag above.
await build({ ...common, minify: false, entryPoints: ['src/npm.ts'], outfile: 'dist/index.js', format: 'esm' });
