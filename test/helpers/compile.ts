/**
 * The project compiled to JavaScript, for tests that need it: child processes on the real CLI, worker
 * threads. It is compiled once per test run (the run id comes from test/helpers/run-id.ts, the global
 * setup) into `test-results/dist-<run>`: the first test file that asks compiles, the others wait for it.
 * tsc emits even when a module elsewhere does not type-check yet; callers name the file they need.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const root = join(import.meta.dirname, '..', '..');

/** The folder of this run's compiled project (it exists once `compileProject` has resolved). */
export function compiledDir(): string {
  const run = process.env.RIJM_TEST_RUN ?? `pid${process.ppid}`;
  return join(root, 'test-results', `dist-${run}`);
}

/** Compiles the project for this run, or waits for the test file compiling it; returns the folder. */
export async function compileProject(needed: string): Promise<string> {
  const dist = compiledDir();
  const done = `${dist}.done`;
  const lock = `${dist}.lock`;
  let mine = false;
  try {
    mkdirSync(join(root, 'test-results'), { recursive: true });
    mkdirSync(lock);
    mine = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if (mine) {
    await promisify(execFile)(process.execPath, [
      join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      join(root, 'tsconfig.build.json'),
      '--outDir',
      dist,
    ]).catch(() => undefined);
    writeFileSync(done, '');
  } else {
    for (let waited = 0; !existsSync(done); waited += 250) {
      if (waited > 300_000) throw new Error(`gave up waiting for another test file to compile into ${dist}`);
      await sleep(250);
    }
  }
  if (!existsSync(join(dist, needed))) throw new Error(`tsc did not emit ${needed} into ${dist}`);
  return dist;
}
