import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/config.js';
import { OmotenashiError } from '../errors.js';
import { serve } from '../serve.js';
import { CliError } from './cli-error.js';
import type { Command } from './commands/command.js';
import { COMMANDS } from './commands/index.js';
import { withServices } from './context.js';
import { printResult } from './output.js';

function line(usage: string, summary: string): string {
  return usage.length <= 38 ? `  ${usage.padEnd(40)}${summary}` : `  ${usage}\n  ${' '.repeat(40)}${summary}`;
}

const USAGE = `Usage: omotenashi <command> [options]

Commands:
${line('serve', 'run the server (PORT, DATABASE_URL, … from the environment)')}
${line('migrate', 'apply database migrations and exit')}
${COMMANDS.map((c) => line(c.usage, c.summary)).join('\n')}

Every command reads DATABASE_URL (default: sqlite:./data/omotenashi.sqlite).
Add --json for machine-readable output, --help to any command for its usage.
Exit status: 0 ok, 1 error, 2 usage error.`;

/** Runs one CLI invocation; returns the process exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (!name) {
      process.stderr.write(`${USAGE}\n`);
      return 2;
    }
    if (name === 'help' || name === '--help' || name === '-h') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
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
    const topic = COMMANDS.filter((c) => c.name[0] === name);
    if (topic.length === 0) throw new CliError(`unknown command ${JSON.stringify(name)}; run "omotenashi help" for the list`, 2);
    const single = topic.find((c) => c.name.length === 1);
    const sub = rest[0];
    const command = single ?? topic.find((c) => c.name[1] === sub);
    const topicHelp = `usage:\n${topic.map((c) => `  omotenashi ${c.usage}`).join('\n')}\n`;
    if (!command) {
      if (sub === undefined || sub === '--help' || sub === '-h') {
        (sub === undefined ? process.stderr : process.stdout).write(topicHelp);
        return sub === undefined ? 2 : 0;
      }
      throw new CliError(`unknown command "${name} ${sub}"; "${name}" has: ${topic.map((c) => c.name[1]).join(', ')}`, 2);
    }
    const args = command.name.length > 1 ? rest.slice(1) : rest;
    if (args.includes('--help') || args.includes('-h')) {
      process.stdout.write(helpFor(command));
      return 0;
    }
    let parsed;
    try {
      parsed = parseArgs({ args, options: { ...command.options, json: { type: 'boolean', default: false } }, allowPositionals: true, strict: true });
    } catch (err) {
      throw new CliError(`${(err as Error).message.replace(/\. To specify a positional argument.*$/s, '')}\nusage: omotenashi ${command.usage}`, 2);
    }
    await command.run(parsed.values, parsed.positionals);
    return 0;
  } catch (err) {
    return reportError(err);
  }
}

function helpFor(c: Command): string {
  return `usage: omotenashi ${c.usage}\n\n${c.summary}\n`;
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
    // A one-issue error already says it all in its message.
    if ((err.issues?.length ?? 0) > 1) for (const i of err.issues ?? []) process.stderr.write(`  ${i.path}: ${i.message}\n`);
    return 1;
  }
  const debug = process.env['OMOTENASHI_DEBUG'];
  const e = err as Error;
  process.stderr.write(debug
    ? `omotenashi: unexpected error: ${e.stack ?? String(err)}\n`
    : `omotenashi: unexpected error: ${e.message ?? String(err)} (set OMOTENASHI_DEBUG=1 for details)\n`);
  return 1;
}
