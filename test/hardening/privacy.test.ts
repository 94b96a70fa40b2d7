/**
 * Personal data never leaves the archive: after the CLI ran on a small generated region with a known key,
 * no BSN, name or street of the inputs is in any text column of any warehouse, in any log line, report or
 * export, and the key itself is never printed. Without a key (outside demo mode) the run refuses.
 *
 * The ingest part runs always; the whole nightly run (build, reports, exports, research file) only in CI
 * or with RIJM_SLOW_TESTS=1.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../pipelines/cli.js';
import { demoPersonalData } from '../../pipelines/generate/personal.js';
import { generateRegion } from '../../pipelines/generate/region.js';
import { Warehouse } from '../../pipelines/lib/db.js';
import { isValidBsn } from '../../pipelines/lib/elfproef.js';
import { memoryLogger } from '../../pipelines/lib/log.js';
import { dataLayout } from '../../pipelines/lib/paths.js';

const slow = Boolean(process.env.CI) || process.env.RIJM_SLOW_TESTS === '1';
const clock = () => new Date('2026-11-02T01:00:00Z');
const PSEUDONYM_KEY = 'bekende-sleutel-PSEUDO-0123456789abcdef0123';
const RESEARCH_KEY = 'bekende-sleutel-ONDERZOEK-0123456789abcdef01';

function sink(): Writable & { text: string } {
  const s = new Writable({
    write(chunk, _enc, cb) {
      s.text += String(chunk);
      cb();
    },
  }) as Writable & { text: string };
  s.text = '';
  return s;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory() || (e.isSymbolicLink() && statSync(p).isDirectory())) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** Every BSN in the generated files (iJw <Bsn> elements and 9-digit numbers that pass the 11-proef). */
function bsnsIn(inbox: string): Set<string> {
  const bsns = new Set<string>();
  for (const f of filesUnder(inbox)) {
    const text = readFileSync(f).toString('latin1');
    for (const m of text.matchAll(/(?<![0-9])[0-9]{9}(?![0-9])/g)) if (isValidBsn(m[0])) bsns.add(m[0]);
  }
  return bsns;
}

/** Words that may not appear: whole-word matches, so "Eva" does not hit "Evaluatie". */
const words = [...new Set(demoPersonalData)].filter((w) => w.length >= 3);
const wordPattern = new RegExp(
  `(?<![\\p{L}])(${words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(?![\\p{L}])`,
  'u',
);

function findPersonal(text: string, bsns: Set<string>): string | null {
  for (const m of text.matchAll(/(?<![0-9])[0-9]{9}(?![0-9])/g)) if (bsns.has(m[0])) return `BSN ${m[0]}`;
  const w = wordPattern.exec(text);
  return w ? `naam/straat ${w[1]}` : null;
}

/** Scans every VARCHAR column of every table of a DuckDB file. */
async function scanWarehouse(path: string, bsns: Set<string>): Promise<string[]> {
  const db = await Warehouse.open(':memory:');
  const hits: string[] = [];
  try {
    await db.run(`attach '${path.replaceAll("'", "''")}' as w (read_only)`);
    await db.run('create table needles (w varchar)');
    await db.appendRows('needles', [...[...bsns].map((b) => [b]), ...words.map((w) => [w])]);
    const cols = await db.all<{ s: string; t: string; c: string }>(
      `select schema_name as s, table_name as t, column_name as c from duckdb_columns()
       where data_type = 'VARCHAR' and database_name = 'w'`,
    );
    for (const { s, t, c } of cols) {
      const rows = await db.all<{ v: string; w: string }>(
        `select distinct v, w from (select "${c}" as v from w."${s}"."${t}") x join needles
           on contains(v, w) and regexp_matches(v, '(^|[^[:alpha:]])' || w || '($|[^[:alpha:]])') limit 3`,
      );
      for (const r of rows) hits.push(`${path} ${s}.${t}.${c}: ${r.w} in ${r.v.slice(0, 80)}`);
    }
  } finally {
    db.close();
  }
  return hits;
}

describe('personal data and keys', () => {
  let root: string;
  let inbox: string;
  let dataDir: string;
  let bsns: Set<string>;
  let out: ReturnType<typeof sink>;
  let err: ReturnType<typeof sink>;
  let code: number;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'rijm-hard-'));
    inbox = join(root, 'inbox');
    dataDir = join(root, 'data');
    await generateRegion(
      {
        out: inbox,
        manifest: join(root, 'manifest.json'),
        seed: 11,
        // The whole run needs enough care histories for every indicator of the region to exist.
        scale: slow ? 0.03 : 0.01,
        from: slow ? 2025 : 2026,
        to: 2026,
        until: '2026-11-01',
      },
      memoryLogger(clock),
    );
    bsns = bsnsIn(inbox);
    out = sink();
    err = sink();
    const env = {
      RIJM_PSEUDONYM_KEY: PSEUDONYM_KEY,
      RIJM_RESEARCH_KEY: RESEARCH_KEY,
      TZ: 'Europe/Amsterdam',
    };
    const argv = slow
      ? ['nightly', '--inbox', inbox, '--data-dir', dataDir, '--peildatum', '2026-11-01', '--pdf', 'no']
      : ['ingest', '--inbox', inbox, '--data-dir', dataDir];
    code = await main(argv, { out, err, env, clock });
  }, 600_000);

  it('the generated region carries BSNs to look for', () => {
    expect(bsns.size).toBeGreaterThan(20);
    expect(code, err.text.slice(-2000)).not.toBe(1);
  });

  it('no BSN, name or street in any text column of the working warehouse (archive index included)', async () => {
    expect(await scanWarehouse(dataLayout(dataDir).warehouse, bsns)).toEqual([]);
  });

  it('no BSN, name or street and no key in any log line or printed output', () => {
    const text = out.text + err.text;
    expect(text.length).toBeGreaterThan(0);
    expect(findPersonal(text, bsns)).toBeNull();
    expect(text).not.toContain(PSEUDONYM_KEY);
    expect(text).not.toContain(RESEARCH_KEY);
    expect(text).not.toContain(PSEUDONYM_KEY.slice(0, 20));
  });

  it.runIf(slow)(
    'nothing personal in the published and research warehouses, reports and exports',
    async () => {
      expect(code, out.text.slice(-3000)).not.toBe(1);
      const published = dataLayout(dataDir).published;
      const files = filesUnder(published);
      const hits: string[] = [];
      for (const f of files) {
        if (f.endsWith('.duckdb')) hits.push(...(await scanWarehouse(f, bsns)));
        else if (/\.(parquet|arrow|feather)$/.test(f)) {
          const db = await Warehouse.open(':memory:');
          try {
            const rows = f.endsWith('.parquet')
              ? await db.all(`select * from read_parquet('${f.replaceAll("'", "''")}')`)
              : [];
            const hit = findPersonal(JSON.stringify(rows), bsns);
            if (hit) hits.push(`${f}: ${hit}`);
          } finally {
            db.close();
          }
          if (!f.endsWith('.parquet')) {
            const hit = findPersonal(readFileSync(f).toString('latin1'), bsns);
            if (hit) hits.push(`${f}: ${hit}`);
          }
        } else {
          const text = readFileSync(f).toString('utf8');
          const hit = findPersonal(text, bsns);
          if (hit) hits.push(`${f}: ${hit}`);
          expect(text, f).not.toContain(PSEUDONYM_KEY);
          expect(text, f).not.toContain(RESEARCH_KEY);
        }
      }
      expect(files.some((f) => f.endsWith('.html'))).toBe(true);
      expect(hits).toEqual([]);
    },
    600_000,
  );

  it.runIf(slow)('the research file uses other pseudonyms than the operational warehouse', async () => {
    const published = dataLayout(dataDir).published;
    const db = await Warehouse.open(':memory:');
    try {
      await db.run(`attach '${join(published, 'rijm.duckdb')}' as op (read_only)`);
      await db.run(`attach '${join(published, 'rijm-onderzoek.duckdb')}' as rs (read_only)`);
      const [{ n, shared }] = (await db.all(
        `select (select count(distinct client_id) from rs.core.trajecten) as n,
                (select count(*) from (select client_id from rs.core.trajecten intersect select client_id from op.core.trajecten)) as shared`,
      )) as [{ n: number; shared: number }];
      expect(n).toBeGreaterThan(0);
      expect(shared).toBe(0);
    } finally {
      db.close();
    }
  });

  it('the scan finds a planted BSN and name (it is not blind)', async () => {
    const path = join(root, 'lokaas.duckdb');
    const db = await Warehouse.open(path);
    const [bsn] = [...bsns];
    await db.run('create table t (x varchar)');
    await db.run('insert into t values ($1), ($2)', [`client ${bsn}`, `bij ${words[0]} thuis`]);
    db.close();
    expect(await scanWarehouse(path, bsns)).toHaveLength(2);
    expect(findPersonal(`x ${words[1]}.`, bsns)).not.toBeNull();
  });

  it('refuses to run without a key outside demo mode, and never prints a key', async () => {
    for (const command of ['ingest', 'nightly']) {
      const o = sink();
      const e = sink();
      const exit = await main([command, '--inbox', inbox, '--data-dir', join(root, `zonder-${command}`)], {
        out: o,
        err: e,
        env: { TZ: 'Europe/Amsterdam' },
        clock,
      });
      expect(exit).not.toBe(0);
      expect(exit).not.toBe(3);
      expect(o.text + e.text).toMatch(/RIJM_PSEUDONYM_KEY/);
    }
  });
});
