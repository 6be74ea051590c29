import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/config.js';
import { OmotenashiError } from '../errors.js';
import { serve } from '../serve.js';
import { CliError } from './cli-error.js';
import { COMMANDS } from './commands/index.js';
import { withServices } from './context.js';
import { printResult } from './output.js';

const USAGE = `Usage: omotenashi <command> [options]

Commands:
  serve                                   run the server (PORT, DATABASE_URL, … from the environment)
  migrate                                 apply database migrations and exit
${COMMANDS.map((c) => `  ${c.usage.padEnd(40)}${c.summary}`).join('\n')}

Every command reads DATABASE_URL (default: sqlite:./data/omotenashi.sqlite).
Add --json for machine-readable output. Exit status is non-zero on any error.`;

/** Runs one CLI invocation; returns the process exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (!name || name === 'help' || name === '--help' || name === '-h') {
      process.stdout.write(`${USAGE}\n`);
      return name ? 0 : 2;
    }
    if (name === 'serve') {
      await serve(loadConfig());
      return 0;
    }
    if (name === 'migrate') {
      const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean', default: false } }, strict: true });
      await withServices(async (s) => printResult(values.json, { migrated: true, dialect: s.store.dialect }));
      return 0;
    }
    const words = rest.filter((w) => !w.startsWith('-'));
    const command = COMMANDS.find((c) => c.name[0] === name && (c.name.length === 1 || c.name[1] === words[0]));
    if (!command) throw new CliError(`unknown command "${[name, words[0]].filter(Boolean).join(' ')}"\n\n${USAGE}`, 2);
    const args = command.name.length > 1 ? rest.slice(rest.indexOf(command.name[1]!) + 1) : rest;
    let parsed;
    try {
      parsed = parseArgs({ args, options: { ...command.options, json: { type: 'boolean', default: false } }, allowPositionals: true, strict: true });
    } catch (err) {
      throw new CliError(`${(err as Error).message}\nusage: omotenashi ${command.usage}`, 2);
    }
    await command.run(parsed.values, parsed.positionals);
    return 0;
  } catch (err) {
    return reportError(err);
  }
}

function reportError(err: unknown): number {
  if (err instanceof CliError) {
    process.stderr.write(`omotenashi: ${err.message}\n`);
    return err.exitCode;
  }
  if (err instanceof ConfigError) {
    process.stderr.write(`omotenashi: ${err.message}\n`);
    return 2;
  }
  if (err instanceof OmotenashiError) {
    process.stderr.write(`omotenashi: ${err.message} [${err.code}]\n`);
    for (const i of err.issues ?? []) process.stderr.write(`  ${i.path}: ${i.message}\n`);
    return 1;
  }
  process.stderr.write(`omotenashi: unexpected error: ${(err as Error).stack ?? String(err)}\n`);
  return 1;
}
