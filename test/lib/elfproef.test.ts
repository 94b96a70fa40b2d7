import { describe, expect, it } from 'vitest';
import { Warehouse } from '../../pipelines/lib/db.js';
import { elfproefSql, isValidBsn } from '../../pipelines/lib/elfproef.js';

// 123456782 is the worked example of reference/ijw-3.2/codelists-md/elfproef_BSN.md; the 9999… numbers are
// from the test range 999900006–999999990.
const valid = ['123456782', '999900006', '999999990', '111222333', '999911120'];
const invalid = [
  '123456789',
  '999900007',
  '000000000',
  '12345678',
  '1234567820',
  '12345678a',
  '',
  ' 23456782',
];

describe('isValidBsn', () => {
  it.each(valid)('accepts %s', (bsn) => expect(isValidBsn(bsn)).toBe(true));
  it.each(invalid)('rejects %j', (bsn) => expect(isValidBsn(bsn)).toBe(false));

  it('agrees with the SQL version on every number of a range', async () => {
    const db = await Warehouse.open(':memory:');
    try {
      const rows = await db.all<{ bsn: string; ok: boolean }>(
        `select bsn, ${elfproefSql('bsn')} as ok from (select lpad(cast(999900000 + i as varchar), 9, '0') as bsn from range(0, 2000) t(i)
         union all select unnest(['000000000', '12345678', 'abcdefghi', '']) as bsn)`,
      );
      for (const r of rows) expect(r.ok ?? false, r.bsn).toBe(isValidBsn(r.bsn));
      expect(rows.filter((r) => r.ok).length).toBeGreaterThan(150);
    } finally {
      db.close();
    }
  });
});
