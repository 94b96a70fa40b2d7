/**
 * `rijm ingest` as a cron job or a script meets it: the compiled CLI in a process of its own, on a folder
 * of iJw messages (loose files and a zip) examined on two worker threads. The process must end with its
 * exit code within seconds of printing its summary; a worker thread left running would keep it alive.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zipEntries } from '../../pipelines/generate/zip.js';
import { compileProject } from '../helpers/compile.js';
import { jw301, jw305 } from '../ingest-ijw/messages.js';

/** How long the process may outlive its summary: closing the warehouse and the threads. */
const GRACE_MS = 5000;

interface Run {
  code: number | null;
  stdout: string;
  /** Milliseconds from the summary's last line on stdout to the end of the process. */
  afterSummary: number | null;
}

function run(cli: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [cli, ...args], { env });
    let stdout = '';
    let summaryAt: number | null = null;
    // Killed well after the grace period, so a hanging process fails the test instead of the test timing out.
    const guard = setTimeout(() => p.kill('SIGKILL'), 30_000);
    p.stdout.on('data', (d: Buffer) => {
      stdout += String(d);
      if (summaryAt === null && /^total /m.test(stdout)) summaryAt = Date.now();
    });
    p.stderr.resume();
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, afterSummary: summaryAt === null ? null : Date.now() - summaryAt });
    });
  });
}

describe('rijm ingest as a process', () => {
  let dir: string;
  let cli: string;

  beforeAll(async () => {
    cli = join(await compileProject('pipelines/cli.js'), 'pipelines', 'cli.js');
    dir = mkdtempSync(join(tmpdir(), 'rijm-exit-'));
    const folder = join(dir, 'inbox', 'GM0193');
    mkdirSync(folder, { recursive: true });
    const toewijzing = (nummer: string) => jw301({ id: `T${nummer}`, products: [{ nummer }] });
    for (const nummer of ['1001', '1002', '1003']) {
      writeFileSync(join(folder, `ijw_jw301_${nummer}.xml`), toewijzing(nummer));
    }
    const zip = await zipEntries(
      [
        { name: 'jw305_1001.xml', data: Buffer.from(jw305({ products: [{ nummer: '1001' }] })) },
        { name: 'jw301_1004.xml', data: Buffer.from(toewijzing('1004')) },
      ],
      new Date('2025-04-01T00:00:00Z'),
    );
    writeFileSync(join(folder, 'ijw_202503.zip'), zip);
  }, 300_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('ends with its exit code within seconds of its summary, with worker threads in use', async () => {
    const result = await run(
      cli,
      ['ingest', '--inbox', join(dir, 'inbox'), '--data-dir', join(dir, 'data')],
      {
        ...process.env,
        RIJM_PSEUDONYM_KEY: 'exit-test-pseudonym-key-0123456789abcdef',
        RIJM_INGEST_WORKERS: '2',
      },
    );
    expect(result.stdout).toMatch(/^GM0193 +4 +0 +5 +0$/m);
    expect(result.afterSummary, 'the summary was printed').not.toBeNull();
    expect(result.afterSummary!, `ended ${result.afterSummary} ms after its summary`).toBeLessThan(GRACE_MS);
    expect(result.code).toBe(0);
  }, 60_000);
});
