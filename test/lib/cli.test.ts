import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../pipelines/cli.js';

function capture() {
  const out = new PassThrough();
  const err = new PassThrough();
  let o = '';
  let e = '';
  out.on('data', (d) => {
    o += d;
  });
  err.on('data', (d) => {
    e += d;
  });
  return { io: { out, err, env: {}, clock: () => new Date('2026-11-23T02:00:00Z') }, text: () => ({ o, e }) };
}

describe('rijm CLI', () => {
  it('lists its commands with --help and exits 0', async () => {
    const c = capture();
    expect(await main(['--help'], c.io)).toBe(0);
    expect(c.text().o).toMatch(/Usage: rijm <command>/);
    expect(c.text().o).toMatch(/ingest/);
  });

  it('explains one command with --help', async () => {
    const c = capture();
    expect(await main(['ingest', '--help'], c.io)).toBe(0);
    expect(c.text().o).toMatch(/Usage: rijm ingest/);
    expect(c.text().o).toMatch(/--data-dir DIR/);
  });

  it('exits 2 on an unknown command or option, in its own words, with the one meant when it is close', async () => {
    const cases: [string[], string][] = [
      [['frobnicate'], 'rijm: there is no command "frobnicate" (rijm help lists the commands)\n'],
      [
        ['nigthly'],
        'rijm: there is no command "nigthly"; did you mean nightly? (rijm help lists the commands)\n',
      ],
      [
        ['stauts'],
        'rijm: there is no command "stauts"; did you mean status? (rijm help lists the commands)\n',
      ],
      [['ingest', '--nope'], 'rijm: rijm ingest has no option --nope (rijm help ingest lists its options)\n'],
      [
        ['nightly', '--dta-dir', 'x'],
        'rijm: rijm nightly has no option --dta-dir; did you mean --data-dir? (rijm help nightly lists its options)\n',
      ],
      [
        ['nightly', '--peil', '2026-01-01'],
        'rijm: rijm nightly has no option --peil; did you mean --peildatum? (rijm help nightly lists its options)\n',
      ],
      [['status', '-x'], 'rijm: rijm status has no option -x (rijm help status lists its options)\n'],
      [['nightly', '--inbox'], 'rijm: --inbox needs a value (rijm help nightly lists its options)\n'],
      [
        ['nightly', '--inbox', '--demo'],
        'rijm: --inbox needs a value (rijm help nightly lists its options)\n',
      ],
      [
        ['nightly', '--demo=yes'],
        'rijm: --demo takes no value (write just --demo) (rijm help nightly lists its options)\n',
      ],
      [
        ['--data-dir', 'x', 'status'],
        'rijm: a command comes first, then its options: rijm <command> --data-dir … (rijm help lists the commands)\n',
      ],
      [
        ['help', 'nigthly'],
        'rijm: there is no command "nigthly"; did you mean nightly? (rijm help lists the commands)\n',
      ],
    ];
    for (const [argv, message] of cases) {
      const c = capture();
      expect(await main(argv, c.io), argv.join(' ')).toBe(2);
      expect(c.text().e, argv.join(' ')).toBe(message);
      expect(c.text().o).toBe('');
    }
  });

  it('explains one command with rijm help COMMAND, as with --help', async () => {
    const a = capture();
    expect(await main(['help', 'nightly'], a.io)).toBe(0);
    expect(a.text().o).toMatch(/^Usage: rijm nightly \[options\]/);
    expect(a.text().o).toContain('--notify-command CMD');
    const b = capture();
    expect(await main(['nightly', '--help'], b.io)).toBe(0);
    expect(b.text().o).toBe(a.text().o);
  });

  it('says its release, commit and warehouse schema version with --version', async () => {
    const c = capture();
    expect(await main(['--version'], c.io)).toBe(0);
    expect(c.text().o).toMatch(
      /^rijm \d+\.\d+\.\d+ \(commit ([0-9a-f]{7,40}|unknown), warehouse schema \d+\)\n$/,
    );
  });

  it('refuses an unknown RIJM_LOG_FORMAT before doing anything', async () => {
    const c = capture();
    const io = { ...c.io, env: { RIJM_LOG_FORMAT: 'xml' } };
    expect(await main(['status', '--data-dir', '/nonexistent'], io)).toBe(1);
    expect(c.text().e).toBe('rijm: RIJM_LOG_FORMAT: expected one of auto, json, text, got "xml"\n');
  });

  it('refuses a research key that is the pseudonym key', async () => {
    const c = capture();
    const key = 'the-same-secret-for-both-0123456789abcdef';
    const io = { ...c.io, env: { RIJM_PSEUDONYM_KEY: key, RIJM_RESEARCH_KEY: key } };
    const dir = mkdtempSync(join(tmpdir(), 'rijm-cli-'));
    expect(await main(['nightly', '--inbox', dir, '--data-dir', join(dir, 'data')], io)).toBe(1);
    expect(c.text().e).toMatch(
      /^rijm: the research key is the same as the pseudonym key: set RIJM_RESEARCH_KEY/,
    );
    expect(existsSync(join(dir, 'data'))).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 1 with a short message when the pseudonym key is missing', async () => {
    const c = capture();
    expect(await main(['ingest', '--inbox', '/nonexistent', '--data-dir', '/nonexistent'], c.io)).toBe(1);
    expect(c.text().e).toMatch(/^rijm: no pseudonym key/);
    expect(c.text().e).not.toMatch(/at .*\.ts:/);
  });

  it('refuses a bad setting in the environment before reading a file or making a warehouse', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rijm-cli-'));
    try {
      const inbox = join(dir, 'inbox');
      mkdirSync(join(inbox, 'GM0193'), { recursive: true });
      writeFileSync(join(inbox, 'GM0193', 'clientbestand_20261120.csv'), 'niet;gelezen\n');
      const settings: [string, string, RegExp][] = [
        [
          'RIJM_INGEST_WORKERS',
          'two',
          /^rijm: RIJM_INGEST_WORKERS: expected a whole number from 0 to 64, got "two"/,
        ],
        [
          'RIJM_DUCKDB_MEMORY_LIMIT',
          'veel',
          /^rijm: RIJM_DUCKDB_MEMORY_LIMIT: expected an amount such as 2GB/,
        ],
      ];
      for (const command of ['ingest', 'nightly']) {
        for (const [name, value, message] of settings) {
          const c = capture();
          const dataDir = join(dir, `data-${command}-${name}`);
          const io = { ...c.io, env: { [name]: value } };
          const code = await main([command, '--demo', '--inbox', inbox, '--data-dir', dataDir], io);
          expect(code, `${command} ${name}`).toBe(1);
          expect(c.text().e, `${command} ${name}`).toMatch(message);
          expect(existsSync(dataDir), `${command} ${name} made ${dataDir}`).toBe(false);
        }
      }
      expect(readdirSync(join(inbox, 'GM0193'))).toEqual(['clientbestand_20261120.csv']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
