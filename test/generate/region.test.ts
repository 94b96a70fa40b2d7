import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dialects, profileOf } from '../../pipelines/generate/dialects.js';
import type { Fault, FileEntry } from '../../pipelines/generate/manifest.js';
import { generateRegion } from '../../pipelines/generate/region.js';
import { readZip } from '../../pipelines/generate/zip.js';
import { isValidBsn } from '../../pipelines/lib/elfproef.js';
import { memoryLogger } from '../../pipelines/lib/log.js';
import { Profile } from '../../schemas/profile.js';
import { validateMessage } from './xsd.js';

const base = { seed: 3, scale: 0.01, from: 2023, to: 2024, until: '2024-12-31' };

async function generate(seed: number): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rijm-'));
  await generateRegion(
    { ...base, seed, out: path.join(dir, 'inbox'), manifest: path.join(dir, 'manifest.json') },
    memoryLogger(),
  );
  return dir;
}

function treeHash(dir: string): string {
  const h = createHash('sha256');
  for (const f of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    const p = path.join(dir, f);
    const st = fs.statSync(p);
    h.update(`${f}\0${st.mtimeMs}\0`);
    if (st.isFile()) h.update(fs.readFileSync(p));
  }
  return h.digest('hex');
}

interface Manifest {
  files: FileEntry[];
  faults: Fault[];
}

describe('rijm generate (small region)', () => {
  let dir = '';
  let manifest: Manifest;
  beforeAll(async () => {
    dir = await generate(3);
    manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
  });

  it('is byte-identical for the same seed, mtimes included, and differs for another', async () => {
    const again = await generate(3);
    expect(treeHash(again)).toBe(treeHash(dir));
    const other = await generate(4);
    expect(treeHash(other)).not.toBe(treeHash(dir));
  });

  it('lists every file it wrote, with its size', () => {
    const onDisk = fs
      .readdirSync(path.join(dir, 'inbox'), { recursive: true, encoding: 'utf8' })
      .filter((f) => fs.statSync(path.join(dir, 'inbox', f)).isFile())
      .sort();
    expect(manifest.files.map((f) => `${f.gemeente}/${f.name}`).sort()).toEqual(
      onDisk.map((f) => f.split(path.sep).join('/')),
    );
    for (const f of manifest.files)
      expect(fs.statSync(path.join(dir, 'inbox', f.gemeente, f.name)).size).toBe(f.bytes);
  });

  it('plants every kind of fault, each in a listed file', () => {
    const rules = new Set(manifest.faults.map((f) => f.rule));
    for (const r of [
      'bsn_elfproef',
      'datum_ongeldig',
      'code_onbekend',
      'andere_gemeente',
      'dubbel_bestand',
      'bestand_afgekapt',
      'kolom_ontbreekt',
      'bestandstype_onbekend',
      'namespace_onbekend',
    ])
      expect(rules).toContain(r);
    const names = new Set(manifest.files.map((f) => `${f.gemeente}/${f.name}`));
    for (const f of manifest.faults) expect(names).toContain(`${f.gemeente}/${f.file}`);
  });

  it('writes XML that validates against the iJw 3.2 XSDs, except the planted faults', async () => {
    const faulty = new Set(
      manifest.faults.filter((f) => f.path).map((f) => `${f.gemeente}/${f.file}/${f.member ?? ''}`),
    );
    const seen = new Map<string, number>();
    for (const f of manifest.files) {
      if (f.format === 'xml' && f.message && !faulty.has(`${f.gemeente}/${f.name}/`)) {
        if ((seen.get(f.message) ?? 0) >= 15) continue;
        seen.set(f.message, (seen.get(f.message) ?? 0) + 1);
        const xml = fs.readFileSync(path.join(dir, 'inbox', f.gemeente, f.name), 'utf8');
        expect(validateMessage(f.message, xml), `${f.gemeente}/${f.name}`).toEqual([]);
      }
      if (
        f.format === 'zip' &&
        f.members &&
        !manifest.faults.some((x) => x.file === f.name && x.gemeente === f.gemeente && !x.member)
      ) {
        const entries = await readZip(fs.readFileSync(path.join(dir, 'inbox', f.gemeente, f.name)));
        for (const e of entries.slice(0, 5)) {
          const m = f.members.find((x) => x.name === e.name)!;
          if (faulty.has(`${f.gemeente}/${f.name}/${e.name}`)) continue;
          expect(validateMessage(m.message, e.data.toString('utf8')), `${f.name}/${e.name}`).toEqual([]);
          seen.set(m.message, (seen.get(m.message) ?? 0) + 1);
        }
      }
    }
    expect([...seen.keys()].sort()).toEqual(['JW301', 'JW305', 'JW307', 'JW315', 'JW323']);
  });

  it('uses only test-range BSNs that pass the 11-proef, apart from the planted ones', () => {
    const planted = new Set(manifest.faults.filter((f) => f.rule === 'bsn_elfproef').map((f) => f.value));
    for (const f of manifest.files.filter((x) => x.format === 'xml')) {
      const xml = fs.readFileSync(path.join(dir, 'inbox', f.gemeente, f.name), 'utf8');
      for (const [, bsn] of xml.matchAll(/<Bsn>([0-9]+)<\/Bsn>/g)) {
        expect(bsn! >= '999900006' && bsn! <= '999999990').toBe(true);
        if (!planted.has(bsn)) expect(isValidBsn(bsn!), bsn).toBe(true);
      }
    }
  });
});

describe('profiles', () => {
  it('validate and say exactly what the generator writes', () => {
    for (const d of dialects) {
      const json = JSON.parse(fs.readFileSync(path.join('profiles', `${d.gemeente}.json`), 'utf8'));
      expect(Profile.safeParse(json).success).toBe(true);
      expect(json).toEqual(profileOf(d));
    }
  });
});
