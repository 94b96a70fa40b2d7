import { describe, expect, it } from 'vitest';
import { formatNumberNl, neutraliseCell, toCsvNl } from '../../pipelines/export/csv.js';

describe('Dutch Excel CSV', () => {
  it.each([
    ['=HYPERLINK("http://x")', `'=HYPERLINK("http://x")`],
    ['+31', `'+31`],
    ['-1+2', `'-1+2`],
    ['@SUM(A1)', `'@SUM(A1)`],
    ['\tx', `'\tx`],
    ['\rx', `'\rx`],
    ['Zwolle', 'Zwolle'],
    ['a=b', 'a=b'],
    ['', ''],
  ])('neutralises %j as %j', (input, expected) => {
    expect(neutraliseCell(input)).toBe(expected);
  });

  it('writes numbers with a decimal comma and without float noise', () => {
    expect(formatNumberNl(0.125)).toBe('0,125');
    expect(formatNumberNl(0.1 + 0.2)).toBe('0,3');
    expect(formatNumberNl(-3)).toBe('-3');
    expect(formatNumberNl(1234.5)).toBe('1234,5');
    expect(formatNumberNl(12n)).toBe('12');
    expect(formatNumberNl(Number.NaN)).toBe('');
  });

  it('writes a BOM, semicolons, CRLF, quotes where needed, and never a formula', () => {
    const csv = toCsvNl(
      ['gemeente', 'indicator', 'waarde', 'status'],
      [
        ['GM0193', 'uitval', 0.25, null],
        ['GM0150', '=1+1', -0.5, '<10'],
        ['IJsselland', 'a;b "c"', 12, '-'],
      ],
    );
    expect(csv).toBe(
      '\uFEFFgemeente;indicator;waarde;status\r\n' +
        'GM0193;uitval;0,25;\r\n' +
        "GM0150;'=1+1;-0,5;<10\r\n" +
        `IJsselland;"a;b ""c""";12;'-\r\n`,
    );
  });
});
