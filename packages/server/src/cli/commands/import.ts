import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { intFlag, isJson, requireFlag, requirePositionals, WORKSPACE_OPTION } from '../args.js';
import { CliError } from '../cli-error.js';
import { withServices } from '../context.js';
import { importEvents, type ImportSummary } from '../import/import-events.js';
import { Progress, type ProgressSource } from '../import/progress.js';
import { printResult } from '../output.js';
import type { Command } from './command.js';

const USAGE = 'import FILE --workspace ID [--batch-size N] [--quiet] [--json]';

interface Input { chunks: AsyncIterable<Buffer | string>; source: ProgressSource }

async function openInput(file: string): Promise<Input> {
  if (file === '-') {
    return { chunks: process.stdin, source: { bytesRead: null, totalBytes: null } };
  }
  let size: number;
  try {
    const st = await stat(file);
    if (!st.isFile()) throw new CliError(`${file} is not a file`, 2);
    size = st.size;
  } catch (err) {
    if (err instanceof CliError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message}`, code === 'ENOENT' ? 2 : 1);
  }
  const stream = createReadStream(file, { highWaterMark: 1024 * 1024 });
  if (!/\.gz$/i.test(file)) return { chunks: stream, source: { bytesRead: null, totalBytes: size } };
  const gunzip = createGunzip();
  // A read or decompression error surfaces in the loop reading `gunzip`; this only stops it being unhandled.
  pipeline(stream, gunzip).catch(() => undefined);
  async function* decompressed(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of gunzip) yield chunk as Buffer;
    } catch (err) {
      throw new CliError(`cannot decompress ${file}: ${(err as Error).message} (is it really gzip?)`);
    }
  }
  return { chunks: decompressed(), source: { bytesRead: () => stream.bytesRead, totalBytes: size } };
}

export const importCommand: Command = {
  name: ['import'],
  usage: USAGE,
  summary: 'import NDJSON Segment calls (one per line; .gz ok; - for stdin)',
  options: { ...WORKSPACE_OPTION, 'batch-size': { type: 'string' }, quiet: { type: 'boolean', short: 'q', default: false } },
  async run(v, positionals) {
    const workspaceId = requireFlag(v, 'workspace', USAGE);
    const [file] = requirePositionals(positionals, ['FILE'], USAGE);
    const batchSize = intFlag(v, 'batch-size', 500, 1, 5000);
    const json = isJson(v);
    let summary: ImportSummary | undefined;
    await withServices(async (s) => {
      await s.tenancy.requireWorkspace(workspaceId);
      const input = await openInput(file!);
      const progress = v['quiet'] === true ? null : new Progress(input.source);
      let stopping = false;
      const onSigint = () => {
        stopping = true;
        process.stderr.write('\nstopping after the events read so far are stored (Ctrl-C again to abort)…\n');
      };
      process.once('SIGINT', onSigint);
      try {
        summary = await importEvents(s, workspaceId, input.chunks, {
          batchSize,
          onProgress: (c) => progress?.update(c),
          shouldStop: () => stopping,
        });
      } finally {
        process.removeListener('SIGINT', onSigint);
        progress?.stop();
      }
    }, { geo: true });
    const r = summary!;
    report(r, file!, json);
    if (r.interrupted) {
      throw new CliError(`interrupted after line ${r.lines + r.blankLines}; everything counted above is stored. Run the same command again to finish: stored events are skipped as duplicates`, 130);
    }
    if (r.invalid > 0) {
      throw new CliError(`${r.invalid} of ${r.lines} lines were invalid and skipped; the other events were imported`, 1);
    }
  },
};

function report(r: ImportSummary, file: string, json: boolean): void {
  if (json) {
    printResult(true, r as unknown as Record<string, unknown>);
    return;
  }
  for (const e of r.errors) process.stderr.write(`line ${e.line}: ${e.path ? `${e.path}: ` : ''}${e.message}\n`);
  const shown = new Set(r.errors.map((e) => e.line)).size;
  if (r.invalid > shown) process.stderr.write(`… and ${r.invalid - shown} more invalid lines (only the first ${shown} are listed)\n`);
  const seconds = r.durationMs / 1000;
  const events = r.accepted + r.duplicates + r.suppressed;
  const rate = seconds >= 1 ? `, ${Math.round(events / seconds).toLocaleString('en-US')} events/s` : '';
  process.stdout.write(`Imported ${file === '-' ? 'stdin' : file} in ${seconds.toFixed(1)} s${rate}\n`);
  printResult(false, { lines: r.lines, accepted: r.accepted, duplicates: r.duplicates, suppressed: r.suppressed, invalid: r.invalid });
}
