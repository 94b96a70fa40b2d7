import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPeak } from '../../bench/measure.js';

const dir = mkdtempSync(join(tmpdir(), 'rijm-peak-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function peakFile(text: string): string {
  const path = join(dir, `p-${Math.random().toString(36).slice(2)}`);
  writeFileSync(path, text);
  return path;
}

describe('the peak file of a measured step', () => {
  it('reads memory (KiB → MiB) and CPU (user + system seconds → ms) from the last line', () => {
    const path = peakFile('Command exited with non-zero status 3\n524288 12.50 1.25\n');
    expect(readPeak(path)).toEqual({ peakRssMb: 512, cpuMs: 13_750 });
  });

  it('gives null for what is missing or unreadable', () => {
    expect(readPeak(peakFile('524288\n'))).toEqual({ peakRssMb: 512, cpuMs: null });
    expect(readPeak(peakFile('garbage\n'))).toEqual({ peakRssMb: null, cpuMs: null });
    expect(readPeak(join(dir, 'absent'))).toEqual({ peakRssMb: null, cpuMs: null });
  });
});
