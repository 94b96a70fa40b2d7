/**
 * The benchmark's figures (`bench/results.json`) and their rendering as `docs/benchmarks.md`: one table
 * per scale, the comparisons that count, the growth from the smallest to the largest scale measured,
 * and each target met or missed. `bench/notes.md` (the causes of misses, found by profiling) is
 * appended as written.
 */

export interface StepFigure {
  wallMs: number;
  peakRssMb: number | null;
  /** CPU time of the process (user + system, all threads); above the wall time when threads share work. */
  cpuMs?: number | null;
  rows?: number;
  messages?: number;
  bytes?: number;
  files?: number;
  /** The time measured inside the process (baselines), without Node's start-up. */
  innerMs?: number;
  /** A baseline too slow to run whole: its estimated wall time for all the bytes. */
  extrapolatedWallMs?: number;
  note?: string;
  /** Nightly runs: each step's time from the run's log. */
  steps?: Record<string, number>;
  slowest?: { model: string; ms: number }[];
}

export interface ScaleResult {
  scale: number;
  seed: number;
  until: string;
  date: string;
  commit: string;
  loadavg: number[];
  region: {
    files: number;
    bytes: number;
    tabularCsv: { files: number; bytes: number };
    ijw: { files: number; bytes: number };
    night: { files: number; bytes: number };
  };
  steps: Record<string, StepFigure>;
  /** Why the run of this scale stopped early, when it did. */
  error?: string;
}

export interface Results {
  machine: {
    cpu: string;
    cores: number;
    memoryGiB: number;
    node: string;
    duckdb: string;
    platform: string;
    memoryMethod: string;
  };
  scales: ScaleResult[];
}

const LABELS: Record<string, string> = {
  generate: 'generate the region',
  ingest_tabular: 'ingest: tabular (CSV)',
  baseline_read_csv: '  baseline: bare DuckDB read_csv',
  baseline_node_csv: '  baseline: csv-parse + zod + row inserts',
  ingest_ijw: 'ingest: iJw (XML, zips)',
  baseline_saxes: '  baseline: saxes alone',
  ingest_rest: 'ingest: the rest (XLSX, stray files)',
  build: 'build (models + data tests)',
  data_tests: '  of which data tests',
  reports: 'reports (HTML)',
  exports: 'exports (Parquet, Arrow, CSV)',
  nightly_full: 'nightly: full run from empty',
  nightly_usual: 'nightly: the usual night',
  'nightly_full.ingest': 'full run: its ingest step',
  'nightly_full.build': 'full run: its build step',
  'nightly_full.reports': 'full run: its reports step',
  'nightly_full.exports': 'full run: its exports step',
  'nightly_full.publish': 'full run: its publish step',
};

const GROWTH_STEPS = [
  'ingest_tabular',
  'ingest_ijw',
  'build',
  'data_tests',
  'reports',
  'exports',
  'nightly_full',
  'nightly_usual',
];

function s(ms: number | undefined): string {
  return ms === undefined ? '–' : (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);
}

function mb(bytes: number | undefined): string {
  return bytes === undefined ? '–' : (bytes / 2 ** 20).toFixed(1);
}

function n(value: number | undefined): string {
  return value === undefined ? '–' : value.toLocaleString('en-US');
}

/** The effective wall time of a step: the extrapolated one for a sampled baseline. */
export function wallOf(f: StepFigure | undefined): number | undefined {
  return f ? (f.extrapolatedWallMs ?? f.wallMs) : undefined;
}

function throughput(f: StepFigure): string {
  const sec = (wallOf(f) ?? 0) / 1000;
  if (!sec) return '–';
  const parts: string[] = [];
  if (f.rows) parts.push(`${n(Math.round(f.rows / sec))} rows/s`);
  if (f.messages) parts.push(`${n(Math.round(f.messages / sec))} msg/s`);
  if (f.bytes) parts.push(`${(f.bytes / 2 ** 20 / sec).toFixed(2)} MB/s`);
  return parts.join(', ') || '–';
}

function scaleTable(r: ScaleResult): string[] {
  const lines = [
    `### Scale ${r.scale}`,
    '',
    `${n(r.region.files)} files, ${mb(r.region.bytes)} MB (CSV ${n(r.region.tabularCsv.files)} files ` +
      `${mb(r.region.tabularCsv.bytes)} MB; iJw ${n(r.region.ijw.files)} files ${mb(r.region.ijw.bytes)} MB; ` +
      `the usual night ${n(r.region.night.files)} files ${mb(r.region.night.bytes)} MB). ` +
      `Measured ${r.date.slice(0, 16).replace('T', ' ')} UTC at commit \`${r.commit}\`, load average ` +
      `${r.loadavg.join(' / ')} when it ended.`,
    '',
    ...(r.error ? [`**The run stopped early:** ${r.error}`, ''] : []),
    '| step | wall s | CPU s | peak RSS MB | rows | messages | MB in | throughput |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const [key, label] of Object.entries(LABELS)) {
    const f = r.steps[key];
    if (!f) continue;
    const wall = f.extrapolatedWallMs ? `${s(f.extrapolatedWallMs)}*` : s(f.wallMs);
    lines.push(
      `| ${label.replace(/^ {2}/, '↳ ')} | ${wall} | ${f.cpuMs ? s(f.cpuMs) : '–'} | ${f.peakRssMb ?? '–'} | ${n(f.rows)} | ${n(f.messages)} | ${mb(f.bytes)} | ${throughput(f)} |`,
    );
  }
  const notes = Object.entries(r.steps)
    .filter(([, f]) => f.note && f.extrapolatedWallMs)
    .map(([k, f]) => `\\* ${LABELS[k]?.trim()}: ${f.note}.`);
  if (notes.length) lines.push('', ...notes);
  for (const key of ['nightly_full', 'nightly_usual']) {
    const steps = r.steps[key]?.steps;
    if (steps) {
      lines.push(
        '',
        `${LABELS[key]?.replace('nightly: ', '')}, per step (s): ${Object.entries(steps)
          .map(([k, v]) => `${k} ${s(v)}`)
          .join(', ')}.`,
      );
    }
  }
  const slowest = r.steps.build?.slowest;
  if (slowest?.length) {
    lines.push('', `Slowest models: ${slowest.map((m) => `\`${m.model}\` ${s(m.ms)} s`).join(', ')}.`);
  }
  return lines;
}

interface Target {
  name: string;
  value: string;
  met: boolean | null;
}

function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a !== undefined && b !== undefined && b > 0 ? a / b : undefined;
}

/** Every target of the issue, evaluated on the figures at hand (null: not measured). */
export function evaluateTargets(results: Results): Target[] {
  const targets: Target[] = [];
  for (const r of results.scales) {
    const st = r.steps;
    const vsRead = ratio(wallOf(st.baseline_read_csv), wallOf(st.ingest_tabular));
    const vsNode = ratio(wallOf(st.baseline_node_csv), wallOf(st.ingest_tabular));
    const vsSax = ratio(wallOf(st.baseline_saxes), wallOf(st.ingest_ijw));
    const tag = `scale ${r.scale}`;
    if (vsRead !== undefined)
      targets.push({
        name: `${tag}: tabular ingest ≥ 0.5× the speed of bare read_csv`,
        value: `${vsRead.toFixed(2)}×`,
        met: vsRead >= 0.5,
      });
    if (vsNode !== undefined)
      targets.push({
        name: `${tag}: tabular ingest ≥ 10× the obvious Node way`,
        value: `${vsNode.toFixed(1)}×`,
        met: vsNode >= 10,
      });
    if (vsSax !== undefined)
      targets.push({
        name: `${tag}: iJw ingest ≥ 0.5× the speed of saxes alone`,
        value: `${vsSax.toFixed(2)}×`,
        met: vsSax >= 0.5,
      });
    if (r.scale === 1) {
      const full = wallOf(st.nightly_full);
      const usual = wallOf(st.nightly_usual);
      if (full !== undefined)
        targets.push({ name: 'scale 1: full nightly < 60 s', value: `${s(full)} s`, met: full < 60_000 });
      if (usual !== undefined)
        targets.push({
          name: 'scale 1: the usual night < 15 s',
          value: `${s(usual)} s`,
          met: usual < 15_000,
        });
    }
    if (r.scale === 10) {
      const full = wallOf(st.nightly_full);
      const peak = Math.max(...Object.values(st).map((f) => f.peakRssMb ?? 0));
      if (full !== undefined)
        targets.push({ name: 'scale 10: full nightly < 15 min', value: `${s(full)} s`, met: full < 900_000 });
      targets.push({ name: 'scale 10: peak memory < 4 GiB', value: `${peak} MB`, met: peak < 4096 });
    }
  }
  if (!results.scales.some((r) => r.scale === 10)) {
    targets.push({
      name: 'scale 10: full nightly < 15 min, peak memory < 4 GiB',
      value: 'not measured',
      met: null,
    });
  }
  const slopes = growth(results);
  if (slopes) {
    const worst = Object.entries(slopes.slopes).sort(([, a], [, b]) => b - a)[0];
    targets.push({
      name: `every step no worse than linear (scale ${slopes.from} → ${slopes.to}; slope ≤ 1.2 allows for noise)`,
      value: worst ? `worst: ${LABELS[worst[0]]?.trim()} ${worst[1].toFixed(2)}` : '–',
      met: worst ? worst[1] <= 1.2 : null,
    });
  } else {
    targets.push({ name: 'every step no worse than linear', value: 'needs two scales', met: null });
  }
  return targets;
}

/** The steps of a full nightly run, from its log, as growth keys (`nightly_full.ingest` …). */
const NIGHTLY_STEPS = ['ingest', 'build', 'reports', 'exports', 'publish'];

function stepTime(r: ScaleResult, key: string): number | undefined {
  const [step, inner] = key.split('.');
  if (!step) return undefined;
  return inner ? r.steps[step]?.steps?.[inner] : wallOf(r.steps[step]);
}

/**
 * Time ratio ÷ scale ratio from the smallest to the largest scale measured (1 = linear), per step measured
 * at both: the separate steps, and the steps of the full nightly run.
 */
export function growth(
  results: Results,
): { from: number; to: number; slopes: Record<string, number> } | undefined {
  const sorted = [...results.scales].sort((a, b) => a.scale - b.scale);
  const lo = sorted[0];
  const hi = sorted[sorted.length - 1];
  if (!lo || !hi || lo === hi) return undefined;
  const slopes: Record<string, number> = {};
  for (const key of [...GROWTH_STEPS, ...NIGHTLY_STEPS.map((n) => `nightly_full.${n}`)]) {
    const a = stepTime(lo, key);
    const b = stepTime(hi, key);
    if (a && b) slopes[key] = b / a / (hi.scale / lo.scale);
  }
  return { from: lo.scale, to: hi.scale, slopes };
}

export function renderMarkdown(results: Results, notes: string): string {
  const m = results.machine;
  const lines = [
    '# Benchmarks',
    '',
    'Written by `make bench` (`node dist/bench/run.js --scale 1`, or `--scales 1,2,5,10`); the figures are',
    'also in `bench/results.json`. Every step runs as its own process; wall time is the whole process',
    `(Node start-up included), CPU time is user + system of all its threads (above the wall time when the`,
    `iJw worker threads share the work), peak memory is its peak resident set (${m.memoryMethod}). The`,
    'baselines run in the same bench run on the same bytes, so their ratios hold even on a busy machine',
    'where the absolute times do not. Scale 1 is about the real region over eight years; larger scales may',
    'be measured with `--nightly-only` (the two nightly runs and their steps).',
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node}, DuckDB node-api ${m.duckdb}.`,
    `Scales measured: ${results.scales.map((r) => r.scale).join(', ')}.`,
    '',
    '## Targets',
    '',
    '| target | figure | met |',
    '|---|---:|---|',
    ...evaluateTargets(results).map(
      (t) => `| ${t.name} | ${t.value} | ${t.met === null ? '–' : t.met ? 'yes' : '**no**'} |`,
    ),
    '',
  ];
  const g = growth(results);
  if (g) {
    lines.push(
      '## Growth',
      '',
      `Slope from scale ${g.from} to ${g.to}: (time at ${g.to} ÷ time at ${g.from}) ÷ ${g.to / g.from}; 1 is linear.`,
      '',
      '| step | slope |',
      '|---|---:|',
      ...Object.entries(g.slopes).map(([k, v]) => `| ${LABELS[k]?.trim()} | ${v.toFixed(2)} |`),
      '',
    );
  }
  lines.push('## Figures', '');
  for (const r of results.scales) lines.push(...scaleTable(r), '');
  if (notes.trim()) lines.push(notes.trim(), '');
  return `${lines.join('\n')}`;
}
