/**
 * Runs one step as its own process and measures its wall time, CPU time and peak resident memory:
 * through `/usr/bin/time` when the machine has it, else through ./peak.js, which runs the step in this
 * child and writes its own `process.resourceUsage()` figures when it exits. Output goes to log files, never memory.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Measured {
  /** Wall time of the whole process, start to exit. */
  wallMs: number;
  /** Peak resident set size in MiB, or null when it could not be read. */
  peakRssMb: number | null;
  /** CPU time (user + system, all threads) in ms, or null when it could not be read. */
  cpuMs: number | null;
  exitCode: number;
  stdoutPath: string;
  stderrPath: string;
}

const TIME = '/usr/bin/time';
const peakScript = join(dirname(fileURLToPath(import.meta.url)), 'peak.js');

/** How memory is measured on this machine, for the report. */
export function memoryMethod(): string {
  return existsSync(TIME) ? '/usr/bin/time -f %M' : 'process.resourceUsage() in the child';
}

/**
 * Runs `node <script> <args>` in `logDir/<name>.{out,err}` and resolves when it exits. Exit codes in
 * `okCodes` count as success; any other throws with the tail of its stderr.
 */
export async function measureNode(
  name: string,
  script: string,
  args: string[],
  opts: { logDir: string; env?: NodeJS.ProcessEnv; okCodes?: number[]; nodeArgs?: string[] },
): Promise<Measured> {
  mkdirSync(opts.logDir, { recursive: true });
  const stdoutPath = join(opts.logDir, `${name}.out`);
  const stderrPath = join(opts.logDir, `${name}.err`);
  const peakPath = join(opts.logDir, `${name}.peak`);
  rmSync(peakPath, { force: true });
  const node = [...(opts.nodeArgs ?? []), script, ...args];
  const [cmd, argv] = existsSync(TIME)
    ? [TIME, ['-f', '%M %U %S', '-o', peakPath, process.execPath, ...node]]
    : [process.execPath, [...(opts.nodeArgs ?? []), peakScript, script, ...args]];
  const out = openSync(stdoutPath, 'w');
  const err = openSync(stderrPath, 'w');
  const start = process.hrtime.bigint();
  const exitCode = await new Promise<number>((resolve, reject) => {
    const child = spawn(cmd, argv, {
      stdio: ['ignore', out, err],
      env: { ...process.env, ...opts.env, RIJM_BENCH_PEAK_FILE: peakPath },
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  closeSync(out);
  closeSync(err);
  if (!(opts.okCodes ?? [0]).includes(exitCode)) {
    const tail = readFileSync(stderrPath, 'utf8').split('\n').slice(-15).join('\n');
    throw new Error(`bench step ${name} exited with ${exitCode}:\n${tail}`);
  }
  return { wallMs, ...readPeak(peakPath), exitCode, stdoutPath, stderrPath };
}

/**
 * The last line of the peak file: `KiB user-seconds system-seconds`, as `/usr/bin/time -f '%M %U %S'` and
 * peak.js both write it; memory as MiB, CPU as ms.
 */
export function readPeak(path: string): { peakRssMb: number | null; cpuMs: number | null } {
  if (!existsSync(path)) return { peakRssMb: null, cpuMs: null };
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  const [kib, user, system] = (lines[lines.length - 1] ?? '').trim().split(/\s+/).map(Number);
  const peak =
    kib !== undefined && Number.isFinite(kib) && kib > 0 ? Math.round((kib / 1024) * 10) / 10 : null;
  const cpu =
    user !== undefined && system !== undefined && Number.isFinite(user) && Number.isFinite(system)
      ? Math.round((user + system) * 1000)
      : null;
  return { peakRssMb: peak, cpuMs: cpu };
}

/** The JSON log lines of a step's stderr (other lines are skipped). */
export function readLogLines(path: string): Record<string, unknown>[] {
  const records: Record<string, unknown>[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      records.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a line cut by a crash: not a record
    }
  }
  return records;
}
