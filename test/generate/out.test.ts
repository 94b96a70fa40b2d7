/**
 * `rijm generate` never removes a file it did not write: a folder holding anything but a previous
 * generated region is refused with a clear error and left as it was; a previous region is replaced;
 * `--force` writes beside other files and keeps them.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../pipelines/cli.js';
import { memoryLogger } from '../../pipelines/lib/log.js';

const root = mkdtempSync(join(tmpdir(), 'rijm-out-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function generate(out: string, ...extra: string[]): Promise<{ code: number; err: string }> {
  const err = new PassThrough();
  let text = '';
  err.on('data', (d) => {
    text += d;
  });
  const code = await main(
    [
      'generate',
      '--out',
      out,
      '--scale',
      '0.002',
      '--from',
      '2024',
      '--to',
      '2024',
      '--until',
      '2024-12-31',
      ...extra,
    ],
    {
      out: new PassThrough(),
      err,
      env: {},
      clock: () => new Date('2025-01-15T12:00:00Z'),
      log: memoryLogger(),
    },
  );
  return { code, err: text };
}

/** A municipality's real delivery, as it would sit in an inbox. */
function realDelivery(out: string): string {
  const path = join(out, 'GM0193', 'uitkomsten_20241101.csv');
  mkdirSync(join(out, 'GM0193'), { recursive: true });
  writeFileSync(path, 'gemeente;bsn\nGM0193;123456782\n');
  return path;
}

describe('rijm generate --out', () => {
  it('refuses a folder with a file it did not write, names it, and leaves it', async () => {
    const out = join(root, 'a', 'inbox');
    const file = realDelivery(out);
    const r = await generate(out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /^rijm: --out .*inbox is not empty and holds files RIJM did not generate \(GM0193\/uitkomsten_20241101\.csv\); RIJM never removes them: choose an empty folder, or give --force/,
    );
    expect(readFileSync(file, 'utf8')).toBe('gemeente;bsn\nGM0193;123456782\n');
    expect(readdirSync(out, { recursive: true })).toEqual([
      'GM0193',
      join('GM0193', 'uitkomsten_20241101.csv'),
    ]);
    expect(existsSync(join(root, 'a', 'manifest.json'))).toBe(false);
  });

  it('replaces a region it generated before, and refuses it once a file of someone else is added', async () => {
    const out = join(root, 'b', 'inbox');
    expect((await generate(out)).code).toBe(0);
    const first = readdirSync(join(out, 'GM0193')).sort();
    expect(first.length).toBeGreaterThan(3);
    expect((await generate(out, '--seed', '2')).code).toBe(0);
    const second = readdirSync(join(out, 'GM0193')).sort();
    expect(second).not.toEqual(first);
    const file = realDelivery(out);
    const r = await generate(out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/GM0193\/uitkomsten_20241101\.csv/);
    // Nothing removed: the refusal comes before any file is touched.
    expect(existsSync(file)).toBe(true);
    expect(readdirSync(join(out, 'GM0193')).sort()).toEqual([...second, 'uitkomsten_20241101.csv'].sort());
  });

  it('with --force writes beside the other files and keeps them, also when run again', async () => {
    const out = join(root, 'c', 'inbox');
    const file = realDelivery(out);
    expect((await generate(out, '--force')).code).toBe(0);
    expect((await generate(out, '--force', '--seed', '5')).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('gemeente;bsn\nGM0193;123456782\n');
    expect(readdirSync(join(out, 'GM0148')).length).toBeGreaterThan(0);
  });

  it('never replaces a file at the manifest path that is not a manifest', async () => {
    const out = join(root, 'd', 'inbox');
    mkdirSync(join(root, 'd'), { recursive: true });
    writeFileSync(join(root, 'd', 'manifest.json'), '{"mijn": "aantekeningen"}');
    const r = await generate(out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/manifest\.json exists and is not the manifest of a generated region/);
    expect(readFileSync(join(root, 'd', 'manifest.json'), 'utf8')).toBe('{"mijn": "aantekeningen"}');
  });
});
