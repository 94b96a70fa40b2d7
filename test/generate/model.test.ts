import { describe, expect, it } from 'vitest';
import { metVerblijf } from '../../pipelines/generate/catalog.js';
import {
  activeIn,
  bsnSlice,
  drawHistories,
  type Toewijzing,
  testBsns,
} from '../../pipelines/generate/model.js';
import { createRng } from '../../pipelines/generate/random.js';
import { isValidBsn } from '../../pipelines/lib/elfproef.js';
import { gemeenten } from '../../pipelines/lib/gemeenten.js';

const opts = { from: 2018, to: 2025, until: '2025-12-31', scale: 1 };

function regionHistories(): Toewijzing[] {
  return gemeenten.flatMap((g) =>
    drawHistories(g.cbsCode, bsnSlice(g.cbsCode, gemeenten), opts, createRng(7, g.cbsCode)),
  );
}

describe('care histories at scale 1', () => {
  const all = regionHistories();
  const jeugdhulp = all.filter((t) => t.hulpvorm !== '');

  it('has about 14,000 youths with jeugdhulp a year, about 12% with stay', () => {
    for (const year of [2023, 2024, 2025]) {
      const actief = jeugdhulp.filter((t) => activeIn(t, `${year}-01-01`, `${year}-12-31`));
      // Counted on the drawn clients (object identity), not on BSNs: the test range is too small.
      const clients = new Set(actief.map((t) => t.client));
      const verblijf = new Set(actief.filter((t) => metVerblijf(t.soort)).map((t) => t.client));
      expect(clients.size).toBeGreaterThan(12_600);
      expect(clients.size).toBeLessThan(15_400);
      expect(verblijf.size / clients.size).toBeGreaterThan(0.1);
      expect(verblijf.size / clients.size).toBeLessThan(0.14);
    }
  });

  it('starts about 6% of jeugdhulp toewijzingen with stay', () => {
    const starts = jeugdhulp.filter(
      (t) => t.leveringen.length > 0 && t.leveringen[0]!.begindatum >= '2022-01-01',
    );
    const share = starts.filter((t) => metVerblijf(t.soort)).length / starts.length;
    expect(share).toBeGreaterThan(0.045);
    expect(share).toBeLessThan(0.08);
  });

  it('uses only test-range BSNs that pass the 11-proef', () => {
    expect(testBsns()).toHaveLength(9091);
    for (const t of all) {
      expect(isValidBsn(t.client.bsn)).toBe(true);
      expect(t.client.bsn >= '999900006' && t.client.bsn <= '999999990').toBe(true);
    }
  });
});
