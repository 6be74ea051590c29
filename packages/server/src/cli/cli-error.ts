/** A CLI failure with a message for the user; exit code 1 (usage errors: 2). */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}
