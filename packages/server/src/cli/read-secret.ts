import { CliError } from './cli-error.js';

/**
 * Reads a secret from stdin: everything up to EOF (piped: `printf %s "$PW" | …`), minus one
 * trailing newline. On a terminal it prompts on stderr and reads one line without echoing it.
 */
export async function readSecretFromStdin(prompt: string, stdin: NodeJS.ReadStream = process.stdin): Promise<string> {
  const secret = stdin.isTTY ? await readHidden(prompt, stdin) : await readAll(stdin);
  return secret.replace(/\r?\n$/, '');
}

async function readAll(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += b.length;
    if (size > 64 * 1024) throw new CliError('stdin is longer than 64 KB; expected just the password', 2);
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function readHidden(prompt: string, stdin: NodeJS.ReadStream): Promise<string> {
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let typed = '';
    const done = (err: Error | null) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (data: Buffer) => {
      for (const ch of data.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done(null);
        if (ch === '\u0003') return done(new CliError('cancelled', 130));
        if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
        else typed += ch;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}
