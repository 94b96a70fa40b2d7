/**
 * `make bench` (`node dist/bench/run.js --scale 1` or `--scales 1,2,5,10`): generates a region per
 * scale (cached in the work directory), runs every step of the nightly job as its own process beside
 * the baselines it is compared with, and writes `bench/results.json` and `docs/benchmarks.md`.
 *
 * Per scale, in this order: tabular ingest, bare DuckDB `read_csv` and the obvious Node way of the same
 * CSV text; iJw ingest and saxes alone on the same files; the rest of the inbox; build (+ data tests)
 * and reports on that warehouse; the full nightly run from empty; exports of its publication; the usual
 * night (each gemeente's last delivery day added to the loaded inbox, run again). Figures of earlier
 * runs at other scales are kept in results.json, so larger scales can be run later and added.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Measured, measureNode, memoryMethod, readLogLines } from './measure.js';
import { ensureRegion, lastDayFiles, linkInto, type RegionFile, transcodeCsv } from './region.js';
import { type Results, renderMarkdown, type ScaleResult, type StepFigure } from './report.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The checkout: dist/bench/run.js → ../.. */
const root = resolve(here, '..', '..');
const cli = join(root, 'dist', 'pipelines', 'cli.js');
const baselines = join(here, 'baselines.js');

const { values } = parseArgs({
  options: {
    scale: { type: 'string' },
    scales: { type: 'string' },
    seed: { type: 'string', default: '20261122' },
    until: { type: 'string', default: '2026-11-20' },
    'work-dir': { type: 'string' },
    results: { type: 'string' },
    doc: { type: 'string' },
    'node-rows': { type: 'string', default: '20000' },
    'nightly-only': { type: 'boolean', default: false },
    render: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  process.stdout.write(`Usage: node dist/bench/run.js [--scale X | --scales 1,2,5,10] [options]

  --seed N          generator seed (default 20261122)
  --until DATE      last day of the generated data (default 2026-11-20)
  --work-dir DIR    generated regions and scratch data (default $RIJM_BENCH_DIR or bench/.work)
  --results FILE    machine-readable figures (default bench/results.json)
  --doc FILE        the table (default docs/benchmarks.md)
  --node-rows N     rows the csv-parse baseline inserts before it is extrapolated (default 20000)
  --nightly-only    per scale only the full nightly run and the usual night (with each step's time
                    from their logs): enough for the growth and the scale-10 target, in a third of the time
  --render          measure nothing: write the table again from the results file and bench/notes.md
`);
  process.exit(0);
}

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

const scales = (values.scales ?? values.scale ?? '1').split(',').map((s) => {
  const n = Number(s);
  if (!(n > 0 && n <= 100)) fail(`--scale: expected a number in (0, 100], got ${s}`);
  return n;
});
const seed = Number(values.seed);
if (!Number.isInteger(seed)) fail(`--seed: expected an integer, got ${values.seed}`);
const until = String(values.until);
if (!/^\d{4}-\d{2}-\d{2}$/.test(until)) fail(`--until: expected YYYY-MM-DD, got ${until}`);
const nodeRows = Number(values['node-rows']);
if (!(Number.isInteger(nodeRows) && nodeRows > 0)) fail(`--node-rows: expected a whole number > 0`);
const workDir = resolve(values['work-dir'] ?? process.env.RIJM_BENCH_DIR ?? join(root, 'bench', '.work'));
const resultsPath = resolve(values.results ?? join(root, 'bench', 'results.json'));
const docPath = resolve(values.doc ?? join(root, 'docs', 'benchmarks.md'));

function say(line: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

function sum(files: RegionFile[]): { files: number; bytes: number } {
  return { files: files.length, bytes: files.reduce((n, f) => n + f.size, 0) };
}

function figure(m: Measured, extra: Partial<StepFigure> = {}): StepFigure {
  return { wallMs: Math.round(m.wallMs), peakRssMb: m.peakRssMb, cpuMs: m.cpuMs, ...extra };
}

/** Rows loaded and quarantined from the `totaal` line of the ingest summary. */
function ingestTotals(m: Measured): { files: number; rows: number; quarantined: number } {
  const line = readFileSync(m.stdoutPath, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('totaal'));
  const [files, , rows, quarantined] = (line ?? '').trim().split(/\s+/).slice(1).map(Number);
  return { files: files ?? 0, rows: rows ?? 0, quarantined: quarantined ?? 0 };
}

function baselineResult(m: Measured): Record<string, number | boolean> {
  const last = readFileSync(m.stdoutPath, 'utf8').trim().split('\n').pop() ?? '{}';
  return JSON.parse(last) as Record<string, number | boolean>;
}

/** Step times (ms) of a nightly run, from its `step_done` log lines. */
function nightlySteps(m: Measured): Record<string, number> {
  const steps: Record<string, number> = {};
  for (const r of readLogLines(m.stderrPath)) {
    if (r.event === 'step_done' && typeof r.step === 'string') steps[r.step] = Number(r.ms);
  }
  return steps;
}

/** Model times and the data tests' time from a `build --debug` log. */
function buildTimes(m: Measured): { testsMs: number | null; slowest: { model: string; ms: number }[] } {
  const records = readLogLines(m.stderrPath);
  const start = records.find((r) => r.event === 'build_start');
  const done = records.find((r) => r.event === 'build_done');
  const built = records.filter((r) => r.event === 'model_built');
  const models: { model: string; ms: number }[] = [];
  let previous = start ? Date.parse(String(start.time)) : Number.NaN;
  for (const r of built) {
    const t = Date.parse(String(r.time));
    models.push({ model: String(r.model), ms: t - previous });
    previous = t;
  }
  const last = built[built.length - 1];
  const testsMs = done && last ? Date.parse(String(done.time)) - Date.parse(String(last.time)) : null;
  return { testsMs, slowest: models.sort((a, b) => b.ms - a.ms).slice(0, 5) };
}

/** Each step on its own, beside its baselines: the ingest per kind of file, build and reports. */
async function separateSteps(
  scale: number,
  runDir: string,
  node: (name: string, script: string, args: string[], okCodes?: number[]) => Promise<Measured>,
  tabular: RegionFile[],
  ijw: RegionFile[],
  base: RegionFile[],
  steps: Record<string, StepFigure>,
): Promise<void> {
  // Tabular: the ingest, then the same CSV text through bare read_csv and through the obvious Node way.
  const inboxTabular = join(runDir, 'inbox-tabular');
  linkInto(inboxTabular, tabular);
  const data = join(runDir, 'data');
  say(`scale ${scale}: tabular ingest (${tabular.length} CSV files)`);
  const tab = await node('ingest-tabular', cli, [
    'ingest',
    '--demo',
    '--inbox',
    inboxTabular,
    '--data-dir',
    data,
  ]);
  const tabTotals = ingestTotals(tab);
  steps.ingest_tabular = figure(tab, {
    rows: tabTotals.rows + tabTotals.quarantined,
    bytes: sum(tabular).bytes,
    files: tabular.length,
  });
  const csvList = join(runDir, 'csv-list.json');
  writeFileSync(csvList, JSON.stringify(transcodeCsv(tabular, join(runDir, 'csv-utf8'))));
  say(`scale ${scale}: bare DuckDB read_csv`);
  const duck = await node(
    'baseline-read-csv',
    baselines,
    ['duckdb-csv', csvList, join(runDir, 'read-csv.duckdb')],
    [0],
  );
  const duckResult = baselineResult(duck);
  steps.baseline_read_csv = figure(duck, {
    rows: Number(duckResult.rows),
    bytes: Number(duckResult.bytes),
    files: Number(duckResult.files),
    innerMs: Math.round(Number(duckResult.ms)),
  });
  say(`scale ${scale}: csv-parse + zod + row-wise inserts (first ${nodeRows} rows)`);
  const obvious = await node(
    'baseline-node-csv',
    baselines,
    ['node-csv', csvList, join(runDir, 'node-csv.duckdb'), String(nodeRows)],
    [0],
  );
  const ob = baselineResult(obvious);
  const coveredBytes = Number(ob.bytes);
  const totalBytes = Number(duckResult.bytes);
  const startupMs = obvious.wallMs - Number(ob.ms);
  const extrapolated = ob.complete !== true && coveredBytes > 0;
  steps.baseline_node_csv = figure(obvious, {
    rows: Number(ob.rows),
    bytes: coveredBytes,
    innerMs: Math.round(Number(ob.ms)),
    ...(extrapolated
      ? {
          extrapolatedWallMs: Math.round(startupMs + (Number(ob.ms) * totalBytes) / coveredBytes),
          note: `${ob.rows} rows inserted (${Math.round((100 * coveredBytes) / totalBytes)}% of the bytes), extrapolated by bytes`,
        }
      : {}),
  });

  // iJw: the ingest, then the same files through saxes alone.
  const inboxIjw = join(runDir, 'inbox-ijw');
  linkInto(inboxIjw, ijw);
  say(`scale ${scale}: iJw ingest (${ijw.length} files)`);
  const ij = await node('ingest-ijw', cli, ['ingest', '--demo', '--inbox', inboxIjw, '--data-dir', data]);
  const ijTotals = ingestTotals(ij);
  const ijwList = join(runDir, 'ijw-list.json');
  writeFileSync(ijwList, JSON.stringify(ijw.map((f) => ({ path: f.path }))));
  say(`scale ${scale}: saxes alone`);
  const sax = await node('baseline-saxes', baselines, ['saxes', ijwList], [0]);
  const saxResult = baselineResult(sax);
  steps.ingest_ijw = figure(ij, {
    rows: ijTotals.rows + ijTotals.quarantined,
    messages: Number(saxResult.messages),
    bytes: sum(ijw).bytes,
    files: ijw.length,
  });
  steps.baseline_saxes = figure(sax, {
    messages: Number(saxResult.messages),
    bytes: Number(saxResult.bytes),
    files: ijw.length,
    innerMs: Math.round(Number(saxResult.ms)),
  });

  // The rest of the inbox (XLSX, stray files), so build and reports see the whole region but the night.
  const inboxBase = join(runDir, 'inbox-base');
  linkInto(inboxBase, base);
  say(`scale ${scale}: rest of the inbox`);
  const rest = await node('ingest-rest', cli, ['ingest', '--demo', '--inbox', inboxBase, '--data-dir', data]);
  steps.ingest_rest = figure(rest, { files: ingestTotals(rest).files });

  say(`scale ${scale}: build`);
  const build = await node('build', cli, ['build', '--debug', '--data-dir', data], [0]);
  const bt = buildTimes(build);
  steps.build = figure(build, { slowest: bt.slowest });
  if (bt.testsMs !== null) steps.data_tests = { wallMs: bt.testsMs, peakRssMb: null, note: 'inside build' };
  say(`scale ${scale}: reports`);
  const reports = await node('report', cli, ['report', '--pdf', 'no', '--data-dir', data], [0]);
  steps.reports = figure(reports);
}

async function benchScale(scale: number, steps: Record<string, StepFigure>): Promise<ScaleResult> {
  // The code measured is the code at the start: commits made while a long run goes on are not in it.
  const commit = commitOf();
  say(`scale ${scale}: region`);
  const region = await ensureRegion(workDir, cli, scale, seed, until);
  const runDir = join(workDir, `run-s${scale}`);
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  const logDir = join(runDir, 'logs');
  const node = (name: string, script: string, args: string[], okCodes = [0, 3]) =>
    measureNode(name, script, args, { logDir, okCodes });

  const night = lastDayFiles(region);
  const nightSet = new Set(night);
  const base = region.files.filter((f) => !nightSet.has(f));
  const tabular = base.filter((f) => f.kind === 'tabular-csv');
  const ijw = base.filter((f) => f.kind === 'ijw');
  if (region.generated) steps.generate = figure(region.generated);
  if (!values['nightly-only']) await separateSteps(scale, runDir, node, tabular, ijw, base, steps);

  // The full nightly run from empty, then exports of what it published.
  const inboxNightly = join(runDir, 'inbox-nightly');
  linkInto(inboxNightly, base);
  const nightlyData = join(runDir, 'nightly');
  // Both nightly runs work on the same inbox and data directory: the usual night builds on the full run.
  const nightlyArgs = [
    'nightly',
    '--demo',
    '--pdf',
    'no',
    '--inbox',
    inboxNightly,
    '--data-dir',
    nightlyData,
  ];
  say(`scale ${scale}: full nightly from empty (${base.length} files)`);
  const full = await node('nightly-full', cli, nightlyArgs);
  steps.nightly_full = figure(full, {
    files: base.length,
    bytes: sum(base).bytes,
    steps: nightlySteps(full),
  });
  if (!values['nightly-only']) {
    say(`scale ${scale}: exports`);
    const exp = await node(
      'export',
      cli,
      ['export', '--data-dir', nightlyData, '--out', join(runDir, 'exports')],
      [0],
    );
    steps.exports = figure(exp);
  }

  // The usual night: each gemeente's last delivery day arrives in the loaded inbox.
  linkInto(inboxNightly, night);
  say(`scale ${scale}: usual night (${night.length} new files)`);
  const usual = await node('nightly-usual', cli, nightlyArgs);
  steps.nightly_usual = figure(usual, {
    files: night.length,
    bytes: sum(night).bytes,
    steps: nightlySteps(usual),
  });

  return {
    scale,
    seed,
    until,
    date: new Date().toISOString(),
    commit,
    loadavg: loadavg().map((l) => Math.round(l * 10) / 10),
    region: {
      files: region.files.length,
      bytes: sum(region.files).bytes,
      tabularCsv: sum(tabular),
      ijw: sum(ijw),
      night: sum(night),
    },
    steps,
  };
}

function emptyResult(scale: number): ScaleResult {
  const none = { files: 0, bytes: 0 };
  return {
    scale,
    seed,
    until,
    date: new Date().toISOString(),
    commit: commitOf(),
    loadavg: loadavg().map((l) => Math.round(l * 10) / 10),
    region: { files: 0, bytes: 0, tabularCsv: none, ijw: none, night: none },
    steps: {},
  };
}

function commitOf(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: root,
      encoding: 'utf8',
    }).trim();
    const dirty = execFileSync(
      'git',
      [
        'status',
        '--porcelain',
        '--untracked-files=no',
        '--',
        'pipelines',
        'sql',
        'reports',
        'schemas',
        'bench',
        // The figures this run writes itself are not a change to the code measured.
        ':!bench/results.json',
      ],
      {
        cwd: root,
        encoding: 'utf8',
      },
    ).trim();
    return dirty ? `${head}+changes` : head;
  } catch {
    return 'unknown';
  }
}

function machine(): Results['machine'] {
  const cpu = cpus();
  let duckdb = 'unknown';
  try {
    const pkg = JSON.parse(
      readFileSync(join(root, 'node_modules', '@duckdb', 'node-api', 'package.json'), 'utf8'),
    ) as { version: string };
    duckdb = pkg.version;
  } catch {
    // not installed where expected: left unknown
  }
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    duckdb,
    platform: `${process.platform} ${process.arch}`,
    memoryMethod: memoryMethod(),
  };
}

function readResults(): Results | undefined {
  if (!existsSync(resultsPath)) return undefined;
  try {
    return JSON.parse(readFileSync(resultsPath, 'utf8')) as Results;
  } catch {
    return undefined;
  }
}

function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Formats the written files as `biome ci` wants them (tables aligned), when biome is installed. */
function formatOutputs(...paths: string[]): void {
  const biome = join(root, 'node_modules', '.bin', 'biome');
  if (!existsSync(biome)) return;
  try {
    execFileSync(biome, ['format', '--write', ...paths], { cwd: root, stdio: 'ignore' });
  } catch {
    // unformatted figures are still figures
  }
}

function notesText(): string {
  const notesPath = join(root, 'bench', 'notes.md');
  return existsSync(notesPath) ? readFileSync(notesPath, 'utf8') : '';
}

const earlier = readResults();
if (values.render) {
  if (!earlier) fail(`--render: no results to render in ${resultsPath}`);
  writeAtomic(docPath, renderMarkdown(earlier, notesText()));
  formatOutputs(docPath);
  say(`written ${docPath}`);
  process.exit(0);
}
const byScale = new Map<number, ScaleResult>((earlier?.scales ?? []).map((s) => [s.scale, s]));
for (const scale of scales) {
  const steps: Record<string, StepFigure> = {};
  let result: ScaleResult;
  try {
    result = await benchScale(scale, steps);
  } catch (error) {
    // What was measured before the failure is still written, with the error beside it.
    say(`scale ${scale}: failed: ${(error as Error).message}`);
    process.exitCode = 1;
    result = { ...emptyResult(scale), steps, error: (error as Error).message.split('\n')[0] ?? 'failed' };
  }
  byScale.set(scale, result);
  const results: Results = {
    machine: machine(),
    scales: [...byScale.values()].sort((a, b) => a.scale - b.scale),
  };
  writeAtomic(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
  writeAtomic(docPath, renderMarkdown(results, notesText()));
  formatOutputs(resultsPath, docPath);
  say(`scale ${scale}: written ${resultsPath} and ${docPath}`);
}
