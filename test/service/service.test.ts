/**
 * The service files of docs/service, tested as far as a machine without a running systemd or cron allows:
 * systemd's own checker on the units; the timer's calendar over a whole year (one run a night at 02:00
 * Dutch time, also the nights daylight saving time changes); the service's commands run the way systemd
 * would run them (its environment, its credentials, its umask, its exit codes); the crontab line run the
 * way Debian's cron runs it (its variables exported, `%` unescaped, /bin/sh), with its time-zone guard
 * checked hour by hour over the same year.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataLayout } from '../../pipelines/lib/paths.js';
import { isDue } from '../../pipelines/nightly/schedule.js';
import { compiledDir, compileProject } from '../helpers/compile.js';
import { baseFiles, makeRegion } from '../nightly/helpers.js';

const serviceDir = join(import.meta.dirname, '..', '..', 'docs', 'service');
const read = (name: string) => readFileSync(join(serviceDir, name), 'utf8');
const child = join(import.meta.dirname, '..', 'nightly', 'fixtures', 'child.mjs');
const hasSystemd = spawnSync('systemd-analyze', ['--version']).status === 0;
if (process.env.CI && !hasSystemd) {
  throw new Error('systemd-analyze (Debian package systemd) is required in CI for the service tests');
}

/** The values of `key=` in a unit file, in order. */
function values(unit: string, key: string): string[] {
  return unit
    .split('\n')
    .filter((l) => l.startsWith(`${key}=`))
    .map((l) => l.slice(key.length + 1));
}

/** The Amsterdam date and time of a moment, `YYYY-MM-DD HH:MM`. */
function amsterdam(date: Date): string {
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Europe/Amsterdam',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).format(date);
}

/** Every day of 2026 in Amsterdam must have exactly one run, at 02:00 (03:00 when 02:00 does not exist). */
function expectOneRunANight(runs: Date[]) {
  const byDay = new Map<string, string[]>();
  for (const r of runs) {
    const [day, time] = amsterdam(r).split(' ');
    if (!day!.startsWith('2026-')) continue;
    byDay.set(day!, [...(byDay.get(day!) ?? []), time!]);
  }
  expect(byDay.size).toBe(365);
  for (const [day, times] of byDay) {
    expect(times, day).toEqual([day === '2026-03-29' ? '03:00' : '02:00']);
  }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string) {
  return new Promise<{ code: number | null; out: string; err: string }>((resolve, reject) => {
    const p = spawn(command, args, { env, ...(cwd ? { cwd } : {}) });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, out, err }));
  });
}

/** A server's layout in a temporary folder: /srv/rijm with an inbox, /etc/rijm with the two key files. */
function server() {
  const region = makeRegion(baseFiles);
  const etc = join(region.root, 'etc-rijm');
  mkdirSync(etc);
  writeFileSync(join(etc, 'pseudonym.key'), 'service-test-pseudonym-key-0123456789abcdef\n', { mode: 0o400 });
  writeFileSync(join(etc, 'research.key'), 'service-test-research-key-0123456789abcdefgh\n', { mode: 0o400 });
  const log = join(region.root, 'var-log-rijm');
  mkdirSync(log);
  /** The paths of the shipped files, moved to this server, and the CLI to the test build with fake steps. */
  const place = (text: string) =>
    text
      .replaceAll('/usr/bin/node /opt/rijm/dist/pipelines/cli.js', `${process.execPath} ${child}`)
      .replaceAll('node /opt/rijm/dist/pipelines/cli.js', `${process.execPath} ${child}`)
      .replaceAll('/srv/rijm/data', region.dataDir)
      .replaceAll('/srv/rijm/inbox', region.inbox)
      .replaceAll('/srv/rijm', region.root)
      .replaceAll('/etc/rijm', etc)
      .replaceAll('/var/log/rijm', log);
  return { region, etc, log, place };
}

/** A clean environment, as systemd and cron give a job: no keys, no settings of the test's own. */
const bare = () => ({
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  RIJM_TEST_DIST: compiledDir(),
  LANG: 'C.UTF-8',
});

describe('the systemd units', () => {
  beforeAll(async () => {
    await compileProject('pipelines/cli.js');
  }, 180_000);

  it.skipIf(!hasSystemd)('pass systemd-analyze verify without a warning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rijm-units-'));
    for (const name of ['rijm-nightly.service', 'rijm-nightly.timer', 'rijm-alert@.service']) {
      let text = read(name);
      // The checker wants the programs to exist: Node may live elsewhere on this machine.
      if (!existsSync('/usr/bin/node')) text = text.replaceAll('/usr/bin/node', process.execPath);
      writeFileSync(join(dir, name), text);
    }
    const verify = spawnSync(
      'systemd-analyze',
      [
        'verify',
        '--man=no',
        ...['rijm-nightly.service', 'rijm-nightly.timer', 'rijm-alert@.service'].map((n) => join(dir, n)),
      ],
      { encoding: 'utf8' },
    );
    expect(verify.stderr).toBe('');
    expect(verify.status).toBe(0);
  });

  it.skipIf(!hasSystemd)(
    'start the run once every night of a year at 02:00 Europe/Amsterdam, across daylight saving time',
    () => {
      const timer = read('rijm-nightly.timer');
      expect(values(timer, 'Persistent')).toEqual(['true']);
      const runs: Date[] = [];
      for (const spec of values(timer, 'OnCalendar')) {
        const out = spawnSync(
          'systemd-analyze',
          ['calendar', '--base-time=2025-12-31 12:00 UTC', '--iterations=400', spec],
          { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } },
        );
        expect(out.status, out.stderr).toBe(0);
        for (const m of out.stdout.matchAll(/(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC/g))
          runs.push(new Date(`${m[1]!.replace(' ', 'T')}Z`));
      }
      expectOneRunANight(runs);
    },
  );

  it('run as systemd runs them: keys from the credentials, umask 0027, the exit codes the unit accepts', async () => {
    const unit = read('rijm-nightly.service');
    const { region, etc, place } = server();
    // systemd copies each LoadCredential= source into the credentials folder and names it in %d.
    const credentials = join(region.root, 'credentials');
    mkdirSync(credentials, { mode: 0o700 });
    for (const spec of values(unit, 'LoadCredential')) {
      const [id, source] = place(spec).split(':');
      copyFileSync(source!, join(credentials, id!));
    }
    expect(statSync(join(etc, 'pseudonym.key')).mode & 0o077).toBe(0);
    const env: NodeJS.ProcessEnv = { ...bare() };
    for (const e of values(unit, 'Environment')) {
      const [k, v] = e.replaceAll('%d', credentials).split('=');
      env[k!] = v;
    }
    const umask = values(unit, 'UMask')[0]!;
    const accepted = [0, ...values(unit, 'SuccessExitStatus')[0]!.split(' ').map(Number)];
    const cwd = place(values(unit, 'WorkingDirectory')[0]!);
    const exec = (line: string) =>
      run('/bin/sh', ['-c', `umask ${umask}; exec "$@"`, 'sh', ...place(line).split(' ')], env, cwd);

    const start = await exec(values(unit, 'ExecStart')[0]!);
    expect(accepted, start.err).toContain(start.code);
    expect(start.out).toContain('completed, everything loaded');
    const layout = dataLayout(region.dataDir);
    expect(statSync(layout.archive).mode & 0o777).toBe(0o700);
    expect(statSync(join(layout.published, 'rijm-onderzoek.md')).mode & 0o777).toBe(0o640);
    // Nine gemeenten have never delivered: the health check after the run fails the unit, which alerts.
    const post = await exec(values(unit, 'ExecStartPost')[0]!);
    expect(post.code).toBe(1);
    expect(post.out).toContain('WARNING: overdue: GM0148 Dalfsen: never delivered');
    expect(values(unit, 'OnFailure')).toEqual(['rijm-alert@%n.service']);
  });
});

describe('the crontab recipe', () => {
  const cron = read('rijm.cron');
  const lines = cron.split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  const variables = Object.fromEntries(
    lines
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  const jobs = lines.filter((l) => !/^[A-Z_]+=/.test(l));

  beforeAll(async () => {
    await compileProject('pipelines/cli.js');
  }, 180_000);

  it('is one hourly line for the user rijm, setting no CRON_TZ (Debian’s cron ignores it)', () => {
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.split(/\s+/).slice(0, 6)).toEqual(['0', '*', '*', '*', '*', 'rijm']);
    expect(variables.CRON_TZ).toBeUndefined();
    expect(variables.SHELL).toBe('/bin/sh');
  });

  it('lets the run through once every night of a year at 02:00 Europe/Amsterdam, whatever the server’s zone', () => {
    const guard = /schedule --due --cron '([^']+)' --tz (\S+)/.exec(jobs[0]!);
    expect(guard).not.toBeNull();
    const runs: Date[] = [];
    // Cron starts the line a moment after every full hour of the server (in any zone with whole-hour offsets).
    for (let t = Date.UTC(2025, 11, 31, 0, 0, 2); t < Date.UTC(2027, 0, 1); t += 3_600_000) {
      if (isDue(guard![1]!, guard![2]!, new Date(t))) runs.push(new Date(t - 2000));
    }
    expectOneRunANight(runs);
  });

  it('runs as cron runs it: the keys exported from the files, the log written, only problems printed', async () => {
    const { region, log, place } = server();
    // Cron hands the command to SHELL with its variables exported; `%` would be a newline (there is none).
    expect(jobs[0]).not.toMatch(/(^|[^\\])%/);
    const command = place(jobs[0]!.split(/\s+/).slice(6).join(' '));
    const env = {
      ...bare(),
      ...Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, place(v)])),
    };
    // Not due now (unless it happens to be 02:xx in Amsterdam): nothing runs, nothing is printed.
    const now = amsterdam(new Date()).slice(11, 13);
    if (now !== '02' && now !== '03') {
      const idle = await run('/bin/sh', ['-c', command], env, region.root);
      expect(idle.out + idle.err).toBe('');
      expect(existsSync(join(log, 'nightly.log'))).toBe(false);
    }
    // Due: the same line with a schedule that has a tick every minute.
    const due = await run(
      '/bin/sh',
      ['-c', command.replace("--cron '0 2 * * *'", "--cron '* * * * *'")],
      env,
      region.root,
    );
    expect(due.err).toBe('');
    const written = readFileSync(join(log, 'nightly.log'), 'utf8');
    expect(written).toContain('completed, everything loaded (exit code 0)');
    expect(written).not.toContain('no pseudonym key');
    // What cron mails: the health check's problems only (here: the nine gemeenten that never delivered).
    expect(due.out.trim().split('\n')).toHaveLength(9);
    expect(due.out).toContain('WARNING: overdue: GM0148 Dalfsen: never delivered (rhythm 31 days)');
    expect(statSync(dataLayout(region.dataDir).archive).mode & 0o777).toBe(0o700);
  });
});
