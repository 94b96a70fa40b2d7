import { describe, expect, it } from 'vitest';
import {
  formatDagen,
  formatDate,
  formatDateTime,
  formatEuro,
  formatMonth,
  formatNumber,
  formatPercent,
  formatPeriode,
  formatPeriodeKort,
} from '../../reports/format.js';

describe('Dutch formatting', () => {
  it('groups thousands with a dot and uses a decimal comma', () => {
    expect(formatNumber(1234)).toBe('1.234');
    expect(formatNumber(1234567.891, 2)).toBe('1.234.567,89');
    expect(formatNumber(12.5, 1)).toBe('12,5');
    expect(formatNumber(999)).toBe('999');
    expect(formatNumber(-1234.5, 1)).toBe('-1.234,5');
    expect(formatNumber(-0.04, 1)).toBe('0,0');
  });

  it('writes shares as percentages with one decimal', () => {
    expect(formatPercent(0.125)).toBe('12,5%');
    expect(formatPercent(1)).toBe('100,0%');
    expect(formatPercent(0.5, 0)).toBe('50%');
  });

  it('writes euros whole with a euro sign', () => {
    expect(formatEuro(1234.4)).toBe('€ 1.234');
    expect(formatEuro(2500000)).toBe('€ 2.500.000');
  });

  it('writes dates and months in Dutch', () => {
    expect(formatDate('2025-01-15')).toBe('15 januari 2025');
    expect(formatDate('2024-12-01')).toBe('1 december 2024');
    expect(formatMonth('2025-01-31')).toBe('januari 2025');
    expect(formatMonth('2025-03-01')).toBe('maart 2025');
    expect(() => formatDate('15-01-2025')).toThrow(/Expected a date YYYY-MM-DD, got: 15-01-2025/);
  });

  it('writes a moment in the local time zone (pinned to Europe/Amsterdam)', () => {
    expect(process.env.TZ).toBe('Europe/Amsterdam');
    expect(formatDateTime(new Date('2025-07-01T02:05:00Z'))).toBe('1 juli 2025, 04:05');
    expect(formatDateTime(new Date('2025-01-10T23:30:00Z'))).toBe('11 januari 2025, 00:30');
  });

  it('names half-years in words', () => {
    expect(formatPeriode('2024-H1')).toBe('1e halfjaar 2024');
    expect(formatPeriode('2024-H2')).toBe('2e halfjaar 2024');
    expect(formatPeriode('2024')).toBe('2024');
    expect(formatPeriodeKort('2025-H1')).toBe('1e hj 2025');
  });

  it('writes days with singular and plural', () => {
    expect(formatDagen(1)).toBe('1 dag');
    expect(formatDagen(1234.4)).toBe('1.234 dagen');
  });
});
