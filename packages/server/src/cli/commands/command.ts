import type { ParseArgsConfig } from 'node:util';

export interface Command {
  /** e.g. ['workspace', 'create'] */
  name: string[];
  usage: string;
  summary: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<void>;
}
