#!/usr/bin/env node
/**
 * `rijm`: the one command line of the monitor. Shared options (`--inbox`, `--data-dir`, `--debug`,
 * `--help`) are parsed here; each subcommand is a module loaded only when it runs. Operational errors
 * are caught once, here: a short message on stderr, the stack with `--debug`.
 *
 * The command line speaks English throughout (README, "Language"); what it quotes from deliveries and
 * reports (reasons for a gemeente, domain words) stays Dutch.
 */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Command, CommandContext, OptionSpec } from './lib/command.js';
import { ExitCode, RijmError, UsageError } from './lib/errors.js';
import { type Logger, logFormatFromEnv, streamLogger } from './lib/log.js';
import { schemaVersion } from './lib/migrations.js';
import { closest } from './lib/suggest.js';
import { terminalLogger } from './lib/terminal.js';
import { commit, release } from './lib/version.js';

/** Every subcommand, in the order `rijm --help` lists them. */
const registry: Record<string, () => Promise<{ command: Command }>> = {
  generate: () => import('./generate/command.js'),
  build: () => import('./models/command.js'),
  ingest: () => import('./ingest/command.js'),
  nightly: () => import('./nightly/command.js'),
  schedule: () => import('./nightly/schedule.js'),
  status: () => import('./nightly/status.js'),
  export: () => import('./export/command.js'),
  report: () => import('../reports/command.js'),
};

const sharedOptions: OptionSpec = {
  inbox: { type: 'string', default: './inbox' },
  'data-dir': { type: 'string', default: './data' },
  debug: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
};

const sharedHelp = `Options for every command:
  --inbox DIR      the deliveries: one folder per municipality, named by CBS code (default ./inbox)
  --data-dir DIR   warehouse, archive, reports and exports (default ./data)
  --debug          show the stack of an error and debug log lines
  -h, --help       this help`;

async function topHelp(): Promise<string> {
  const lines = ['RIJM, the Regionale IJssellandse Monitor: jeugdhulp in jeugdregio IJsselland', ''];
  lines.push('Usage: rijm <command> [options]', '', 'Commands:');
  for (const [name, load] of Object.entries(registry)) {
    const summary = await load().then(
      ({ command }) => command.summary,
      (error: Error) => `(cannot be loaded: ${error.message})`,
    );
    lines.push(`  ${name.padEnd(10)} ${summary}`);
  }
  lines.push(
    '',
    sharedHelp,
    '  --version        the release, the commit and the warehouse schema version',
    '',
    'Run `rijm help <command>` (or `rijm <command> --help`) for the options of one command.',
  );
  return lines.join('\n');
}

/** `rijm 0.2.0 (commit 0d060e3a1b2c, warehouse schema 3)`. */
export function versionLine(): string {
  return `rijm ${release()} (commit ${commit()}, warehouse schema ${schemaVersion()})`;
}

function unknownCommand(name: string): UsageError {
  const guess = closest(name, Object.keys(registry));
  return new UsageError(
    `there is no command ${JSON.stringify(name)}${guess ? `; did you mean ${guess}?` : ''} (rijm help lists the commands)`,
  );
}

/**
 * Checks the options against the command's before `parseArgs` sees them, so that a mistake is answered in
 * RIJM's words, with the option meant when it is close.
 */
function checkOptions(command: Command, args: string[], options: OptionSpec): void {
  const see = `(rijm help ${command.name} lists its options)`;
  const shorts = new Map(
    Object.entries(options)
      .filter(([, o]) => o.short)
      .map(([name, o]) => [o.short!, name]),
  );
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') return;
    let name: string;
    let inline = false;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq !== -1;
    } else if (arg.startsWith('-') && arg.length > 1) {
      const long = shorts.get(arg.slice(1));
      if (!long) throw new UsageError(`rijm ${command.name} has no option ${arg} ${see}`);
      name = long;
    } else continue;
    const spec = options[name];
    if (!spec) {
      const guess = closest(name, Object.keys(options));
      throw new UsageError(
        `rijm ${command.name} has no option --${name}${guess ? `; did you mean --${guess}?` : ''} ${see}`,
      );
    }
    if (spec.type === 'boolean') {
      if (inline) throw new UsageError(`--${name} takes no value (write just --${name}) ${see}`);
    } else if (!inline) {
      const value = args[i + 1];
      if (value === undefined || (value.startsWith('--') && value.length > 2)) {
        throw new UsageError(`--${name} needs a value ${see}`);
      }
      i++;
    }
  }
}

function commandHelp(command: Command): string {
  return [
    `Usage: rijm ${command.name} [options]`,
    '',
    command.summary,
    '',
    command.help,
    '',
    sharedHelp,
  ].join('\n');
}

export interface Io {
  out: NodeJS.WritableStream & { isTTY?: boolean };
  err: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  clock: () => Date;
  log?: Logger;
}

/** Runs the CLI on `argv` (without `node` and the script) and resolves to the exit code. */
export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  let debug = argv.includes('--debug');
  let log: (Logger & { close?: () => void }) | undefined;
  try {
    if (name === '--version' || name === '-V' || name === 'version') {
      io.out.write(`${versionLine()}\n`);
      return ExitCode.ok;
    }
    if (name === 'help' && rest.length > 0) {
      const topic = rest[0]!;
      const loadTopic = registry[topic];
      if (!loadTopic) throw unknownCommand(topic);
      io.out.write(`${commandHelp((await loadTopic()).command)}\n`);
      return ExitCode.ok;
    }
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      io.out.write(`${await topHelp()}\n`);
      return name === undefined ? ExitCode.usage : ExitCode.ok;
    }
    if (name.startsWith('-')) {
      throw new UsageError(
        `a command comes first, then its options: rijm <command> ${name} … (rijm help lists the commands)`,
      );
    }
    const load = registry[name];
    if (!load) throw unknownCommand(name);
    const { command } = await load();
    const specs = { ...sharedOptions, ...command.options };
    checkOptions(command, rest, specs);
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({ args: rest, options: specs, allowPositionals: true, strict: true });
    } catch (error) {
      // checkOptions answers what it can; what is left is said as parseArgs says it, on one line.
      throw new UsageError(
        `${(error as Error).message.split('\n')[0]} (rijm help ${name} lists its options)`,
      );
    }
    const values = parsed.values as CommandContext['options'];
    if (values.help) {
      io.out.write(`${commandHelp(command)}\n`);
      return ExitCode.ok;
    }
    debug = values.debug === true;
    const minLevel = debug ? 'debug' : 'info';
    if (io.log) log = io.log;
    else {
      const format = logFormatFromEnv(io.env, io.err);
      log =
        format === 'tty'
          ? terminalLogger({ stream: io.err, minLevel, clock: io.clock })
          : streamLogger({ stream: io.err, minLevel, json: format === 'json', clock: io.clock });
    }
    const { inbox, 'data-dir': dataDir, debug: _d, help: _h, ...options } = values;
    return await command.run({
      inbox: resolve(String(inbox)),
      dataDir: resolve(String(dataDir)),
      options,
      positionals: parsed.positionals,
      log,
      out: io.out,
      clock: io.clock,
      env: io.env,
      debug,
    });
  } catch (error) {
    log?.close?.();
    if (error instanceof RijmError) {
      io.err.write(`rijm: ${error.message}\n`);
      if (debug && error.stack) io.err.write(`${error.stack}\n`);
      return error.exitCode;
    }
    const e = error as Error;
    io.err.write(`rijm: unexpected error: ${e?.message ?? String(error)}\n`);
    if (debug && e?.stack) io.err.write(`${e.stack}\n`);
    else io.err.write('rijm: run again with --debug for the stack\n');
    return ExitCode.failed;
  } finally {
    log?.close?.();
  }
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  const code = await main(process.argv.slice(2), {
    out: process.stdout,
    err: process.stderr,
    env: process.env,
    clock: () => new Date(),
  });
  process.exitCode = code;
}
