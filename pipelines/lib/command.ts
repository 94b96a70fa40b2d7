/**
 * The contract of a `rijm` subcommand. Each subcommand lives in its own module and exports `command`;
 * pipelines/cli.ts finds it in its registry, parses the shared and the command's own options, and calls
 * `run` with everything that has side effects passed in (logger, clock, environment, output stream).
 */
import type { ParseArgsConfig } from 'node:util';
import type { Logger } from './log.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface CommandContext {
  /** `--inbox DIR`, resolved (default `./inbox`). */
  inbox: string;
  /** `--data-dir DIR`, resolved (default `./data`). */
  dataDir: string;
  /** The command's own options, as parsed. */
  options: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
  log: Logger;
  /** Where results meant for a person go (summaries, tables); logs go to `log`. */
  out: NodeJS.WritableStream & { isTTY?: boolean };
  clock: () => Date;
  env: NodeJS.ProcessEnv;
  debug: boolean;
}

export interface Command {
  name: string;
  /** One line for `rijm --help`. */
  summary: string;
  /** Full help text for `rijm <name> --help`, below the usage line. */
  help: string;
  options: OptionSpec;
  /** Resolves to the process exit code (see ExitCode). */
  run(ctx: CommandContext): Promise<number>;
}
