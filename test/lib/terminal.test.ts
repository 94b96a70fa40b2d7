import { describe, expect, it } from 'vitest';
import { describeCounts, terminalLogger } from '../../pipelines/lib/terminal.js';
import { screen } from '../helpers/screen.js';

function fixture() {
  let written = '';
  let t = 0;
  const log = terminalLogger({
    stream: { write: (s: string) => (written += s), columns: 120 },
    clock: () => new Date('2026-11-22T01:00:00Z'),
    now: () => t,
    tickMs: 0,
  });
  return { log, advance: (ms: number) => (t += ms), text: () => written };
}

describe('the live view on a terminal', () => {
  it('updates one line per step with files, megabytes, the gemeenten being read and the time left', () => {
    const { log, advance, text } = fixture();
    log.info('run_start', { runId: '20261122T010000Z-abc123' });
    log.info('step_start', { runId: 'x', step: 'ingest', index: 2, of: 6 });
    log.info('ingest_start', { files: 4, bytes: 4_000_000 });
    log.debug('gemeente_start', { gemeente: 'GM0193' });
    log.debug('gemeente_start', { gemeente: 'GM0150' });
    advance(3000);
    log.info('file_ingested', { gemeente: 'GM0193', bytes: 1_000_000, result: 'geladen' });
    expect(screen(text()).at(-1)).toBe(
      '  [2/6] ingest  0:03  1/4 files  1.0/4.0 MB  about 0:09 left  reading GM0193 Zwolle, GM0150 Deventer',
    );
    log.info('ijw_threads', { threads: 2 });
    log.warn('tabular_file_rejected', { gemeente: 'GM0150', file: 'a.csv', reason: 'kolommen ontbreken' });
    advance(1000);
    log.info('file_ingested', { gemeente: 'GM0150', bytes: 1_000_000, result: 'afgewezen' });
    log.debug('gemeente_done', { gemeente: 'GM0193' });
    log.debug('file_skipped', { gemeente: 'GM0150', bytes: 2_000_000 });
    log.info('step_done', {
      step: 'ingest',
      ms: 4200,
      cpuMs: 5000,
      files: 4,
      rejectedFiles: 1,
      rowsLoaded: 20,
    });
    log.info('run_end', { status: 'rejected' });
    expect(screen(text())).toEqual([
      'Run 20261122T010000Z-abc123 started 2026-11-22 02:00:00 CET',
      '02:00:00 CET  WARN  tabular_file_rejected  gemeente=GM0150 file=a.csv reason=“kolommen ontbreken”',
      '✓ [2/6] ingest      4.2 s  4 files, 1 rejected, 20 rows loaded',
      '',
    ]);
    // The live line was drawn again under the warning, with what had happened by then.
    expect(text()).toContain('2/4 files  2.0/4.0 MB');
    expect(text()).not.toContain('ijw_threads');
  });

  it('says which step failed, and prints what happens outside a step as lines', () => {
    const { log, advance, text } = fixture();
    log.info('gemeente generated', { gemeente: 'GM0148', files: 3 });
    log.info('step_start', { step: 'build', index: 3, of: 6 });
    log.info('build_start', { models: 35 });
    // Redrawn at most every 100 ms.
    log.debug('model_built', { model: 'staging.clienten' });
    advance(150);
    log.debug('model_built', { model: 'core.trajecten' });
    expect(screen(text()).at(-1)).toBe('  [3/6] build  0:00  2/35 models  core.trajecten');
    log.error('step_failed', { step: 'build', error: 'data test failed' });
    expect(screen(text())).toEqual([
      '02:00:00 CET  gemeente generated  gemeente=GM0148 files=3',
      '✗ [3/6] build failed after 0.1 s: data test failed',
      '',
    ]);
  });

  it('keeps a line within the width of the terminal', () => {
    let written = '';
    let t = 0;
    const log = terminalLogger({
      stream: { write: (s: string) => (written += s), columns: 50 },
      now: () => (t += 150),
      tickMs: 0,
    });
    log.info('step_start', { step: 'ingest', index: 2, of: 6 });
    log.info('ingest_start', { files: 3891, bytes: 2_400_000_000 });
    log.debug('gemeente_start', { gemeente: 'GM1708' });
    log.info('file_ingested', { bytes: 10 });
    const last = screen(written).at(-1)!;
    expect(last.length).toBeLessThanOrEqual(49);
    expect(last.endsWith('…')).toBe(true);
    log.close();
    expect(screen(written).at(-1)).toBe('');
  });

  it('describes the counts of a step in words', () => {
    expect(
      describeCounts({ files: 3, skippedFiles: 1, pdf: true, peildatum: '2026-11-22', perGemeente: {} }),
    ).toBe('3 files, 1 unchanged, with PDFs, peildatum 2026-11-22');
  });
});
