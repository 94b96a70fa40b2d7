/**
 * Operational failures: bad configuration, a missing folder, a failing SQL model, a lock held by another
 * run. They are thrown, and the CLI reports them once (short message; `--debug` adds the stack).
 *
 * Bad *data* is never thrown: it is collected into quarantine with its reason and the run goes on.
 */
export class RijmError extends Error {
  override readonly name = 'RijmError';
  /** Process exit code the CLI uses for this failure. */
  readonly exitCode: number;

  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options.exitCode ?? 1;
  }
}

/** Wrong use of the command line (unknown option, missing value): exit code 2. */
export class UsageError extends RijmError {
  constructor(message: string) {
    super(message, { exitCode: 2 });
  }
}

/** Exit codes of every `rijm` command. */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  /** The run completed, but deliveries or rows were rejected. */
  rejected: 3,
  /** Another run holds the data directory's lock: this one did not start. */
  busy: 4,
} as const;
