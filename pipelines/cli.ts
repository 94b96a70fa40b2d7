#!/usr/bin/env node
/**
 * `rijm`: the one command line of the monitor. Shared options (`--inbox`, `--data-dir`, `--debug`,
 * `--help`) are parsed here; each subcommand is a module loaded only when it runs. Operational errors
 * are caught once, here: a short message on stderr, the stack with `--debug`.
 */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Command, CommandContext, OptionSpec } from './lib/command.js';
import { ExitCode, RijmError, UsageError } from './lib/errors.js';
import { type Logger, streamLogger } from './lib/log.js';

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
  const lines = ['RIJM, de Regionale IJssellandse Monitor (jeugdhulp in jeugdregio IJsselland)', ''];
  lines.push('Usage: rijm <command> [options]', '', 'Commands:');
  for (const [name, load] of Object.entries(registry)) {
    const summary = await load().then(
      ({ command }) => command.summary,
      (error: Error) => `(cannot be loaded: ${error.message})`,
    );
    lines.push(`  ${name.padEnd(10)} ${summary}`);
  }
  lines.push('', sharedHelp, '', 'Run `rijm <command> --help` for the options of one command.');
  return lines.join('\n');
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
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      io.out.write(`${await topHelp()}\n`);
      return name === undefined ? ExitCode.usage : ExitCode.ok;
    }
    const load = registry[name];
    if (!load) throw new UsageError(`unknown command: ${name} (see rijm --help)`);
    const { command } = await load();
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({
        args: rest,
        options: { ...sharedOptions, ...command.options },
        allowPositionals: true,
        strict: true,
      });
    } catch (error) {
      throw new UsageError(`${(error as Error).message.split('\n')[0]} (see rijm ${name} --help)`);
    }
    const values = parsed.values as CommandContext['options'];
    if (values.help) {
      io.out.write(`${commandHelp(command)}\n`);
      return ExitCode.ok;
    }
    debug = values.debug === true;
    const log =
      io.log ?? streamLogger({ stream: io.err, minLevel: debug ? 'debug' : 'info', clock: io.clock });
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
