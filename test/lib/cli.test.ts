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

  it('exits 2 on an unknown command or option, naming it', async () => {
    const c = capture();
    expect(await main(['frobnicate'], c.io)).toBe(2);
    expect(c.text().e).toMatch(/unknown command: frobnicate/);
    const d = capture();
    expect(await main(['ingest', '--nope'], d.io)).toBe(2);
    expect(d.text().e).toMatch(/--nope/);
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
