/**
 * Global setup: gives the test run an id, so the test files of one run share one compiled project
 * (test/helpers/compile.ts), and removes that compiled project when the run ends.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';

export default function setup(): () => void {
  const run = `${Date.now()}-${process.pid}`;
  process.env.RIJM_TEST_RUN = run;
  return () => {
    const base = join(import.meta.dirname, '..', '..', 'test-results', `dist-${run}`);
    for (const path of [base, `${base}.lock`, `${base}.done`]) rmSync(path, { recursive: true, force: true });
  };
}
