/**
 * `rijm generate`: writes the demo region (an inbox per municipality and a manifest beside it). Parses
 * and checks the options only; the work is in ./region.ts.
 */
import { dirname, join, resolve } from 'node:path';
import type { Command } from '../lib/command.js';
import { ExitCode, UsageError } from '../lib/errors.js';
import { generateRegion } from './region.js';

function intOption(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new UsageError(`--${name}: expected an integer, got ${String(value)}`);
  return n;
}

export const command: Command = {
  name: 'generate',
  summary: 'write a realistic demo region: an inbox per municipality, with planted faults and a manifest',
  help: `Options:
  --out DIR         where the inboxes go (default: --inbox)
  --seed N          random seed; the same seed and options give byte-identical files (default 1)
  --scale X         volume; 1 is about the real region (14,000 youths with jeugdhulp a year) (default 1)
  --from YYYY       first year delivered (default: eight years up to --to)
  --to YYYY         last year delivered (default: the year of --until)
  --until DATE      last day of the data, YYYY-MM-DD (default: today)
  --manifest FILE   the manifest of files, planted faults and totals (default: beside DIR, manifest.json)
  --force           write into a folder that holds files RIJM did not generate; they are left as they are

DIR must be empty, missing, or hold a region generated before (its manifest lists the files, which are
replaced). RIJM never removes a file it did not write.`,
  options: {
    out: { type: 'string' },
    seed: { type: 'string' },
    scale: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    until: { type: 'string' },
    manifest: { type: 'string' },
    force: { type: 'boolean', default: false },
  },
  async run(ctx) {
    const o = ctx.options;
    const out = resolve(typeof o.out === 'string' ? o.out : ctx.inbox);
    const until = typeof o.until === 'string' ? o.until : ctx.clock().toISOString().slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(until) || Number.isNaN(Date.parse(until)))
      throw new UsageError(`--until: expected a date YYYY-MM-DD, got ${until}`);
    const to = intOption('to', o.to, Number(until.slice(0, 4)));
    const from = intOption('from', o.from, to - 7);
    if (from > to) throw new UsageError(`--from: expected a year up to --to (${to}), got ${from}`);
    if (to > Number(until.slice(0, 4)))
      throw new UsageError(`--to: expected a year up to that of --until, got ${to}`);
    const scale = o.scale === undefined ? 1 : Number(o.scale);
    if (!(scale > 0 && scale <= 100))
      throw new UsageError(`--scale: expected a number in (0, 100], got ${String(o.scale)}`);
    const seed = intOption('seed', o.seed, 1);
    const manifest = resolve(
      typeof o.manifest === 'string' ? o.manifest : join(dirname(out), 'manifest.json'),
    );
    const force = o.force === true;
    const totals = await generateRegion({ out, manifest, seed, scale, from, to, until, force }, ctx.log);
    let files = 0;
    let faults = 0;
    for (const t of Object.values(totals)) {
      files += t.files;
      faults += t.faults;
    }
    ctx.out.write(
      `generated ${files} files for ${Object.keys(totals).length} municipalities in ${out}, ${faults} planted faults; manifest ${manifest}\n`,
    );
    return ExitCode.ok;
  },
};
