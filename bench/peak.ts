/**
 * `node dist/bench/peak.js <script> [args]`: runs `script` in this process and, when it exits, writes
 * the process's peak resident memory (KiB, `process.resourceUsage().maxRSS`) and its user and system CPU
 * seconds to `RIJM_BENCH_PEAK_FILE`.
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
  const usage = process.resourceUsage();
  if (target) {
    writeFileSync(target, `${usage.maxRSS} ${usage.userCPUTime / 1e6} ${usage.systemCPUTime / 1e6}\n`);
  }
});
process.argv = [process.argv[0] ?? 'node', resolve(script), ...args];
await import(pathToFileURL(resolve(script)).href);
