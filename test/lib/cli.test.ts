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
});
