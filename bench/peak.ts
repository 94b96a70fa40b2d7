/**
 * `node dist/bench/peak.js <script> [args]`: runs `script` in this process and, when it exits, writes
 * the process's peak resident memory (KiB, `process.resourceUsage().maxRSS`) to `RIJM_BENCH_PEAK_FILE`.
 * Used by the benchmark where `/usr/bin/time` is missing.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [script, ...args] = process.argv.slice(2);
if (!script) {
  process.stderr.write('usage: node peak.js <script> [args]\n');
  process.exit(2);
}
const target = process.env.RIJM_BENCH_PEAK_FILE;
process.on('exit', () => {
  if (target) writeFileSync(target, `${process.resourceUsage().maxRSS}\n`);
});
process.argv = [process.argv[0] ?? 'node', resolve(script), ...args];
await import(pathToFileURL(resolve(script)).href);
