import { describe, expect, it } from 'vitest';
import { buildPlacements } from './harness.js';

describe('core.verblijfsepisodes', () => {
  it('merges stays across providers and types when they overlap or adjoin, and censors open ones', async () => {
    const db = await buildPlacements({
      peildatum: '2025-01-01',
      trajecten: [
        // A in Zwolle: pleegzorg, then residential the next day at another provider (adjoins), a
        // gezinshuis wholly inside it, and ambulant help on the side (no stay, not part of it).
        { client: 'A', hulpvorm: '11', begin: '2023-01-01', eind: '2023-03-31', aanbieder: 'X' },
        { client: 'A', hulpvorm: '14', begin: '2023-04-01', eind: '2023-06-30', aanbieder: 'Y' },
        { client: 'A', hulpvorm: '12', begin: '2023-05-01', eind: '2023-05-31', aanbieder: 'Z' },
        { client: 'A', hulpvorm: '02', begin: '2023-02-01', eind: '2023-12-31', aanbieder: 'X' },
        // One day at home (1 July) in between: a new stay.
        { client: 'A', hulpvorm: '11', begin: '2023-07-02', eind: '2023-08-31', aanbieder: 'X' },
        // The same client placed by another gemeente is another stay.
        { gemeente: 'GM0148', client: 'A', hulpvorm: '13', begin: '2023-01-10', eind: '2023-02-10' },
        // B: pleegzorg in December, then a closed placement from 1 January still running at the peildatum.
        { client: 'B', hulpvorm: '11', begin: '2023-12-01', eind: '2023-12-31' },
        { client: 'B', hulpvorm: '13', begin: '2024-01-01', eind: null },
      ],
    });
    try {
      const rows = await db.all(
        `select gemeente, client_id, begindatum, einddatum, is_open, duur_dagen, eerste_hulpvorm, hulpvormen
         from core.verblijfsepisodes order by gemeente desc, client_id, begindatum`,
      );
      expect(rows).toEqual([
        {
          gemeente: 'GM0193',
          client_id: 'A',
          begindatum: '2023-01-01',
          einddatum: '2023-06-30',
          is_open: false,
          duur_dagen: 180, // 31 + 28 + 31 + 30 + 31 + 29: 1 January to 30 June 2023
          eerste_hulpvorm: '11',
          hulpvormen: '11,12,14',
        },
        {
          gemeente: 'GM0193',
          client_id: 'A',
          begindatum: '2023-07-02',
          einddatum: '2023-08-31',
          is_open: false,
          duur_dagen: 60,
          eerste_hulpvorm: '11',
          hulpvormen: '11',
        },
        {
          gemeente: 'GM0193',
          client_id: 'B',
          begindatum: '2023-12-01',
          einddatum: null,
          is_open: true,
          duur_dagen: 397, // censored: 2023-12-01 to the peildatum 2025-01-01 = 31 + 366 days
          eerste_hulpvorm: '11',
          hulpvormen: '11,13',
        },
        {
          gemeente: 'GM0148',
          client_id: 'A',
          begindatum: '2023-01-10',
          einddatum: '2023-02-10',
          is_open: false,
          duur_dagen: 31,
          eerste_hulpvorm: '13',
          hulpvormen: '13',
        },
      ]);
      const comments = await db.all(
        `select column_name from duckdb_columns()
         where schema_name = 'core' and table_name = 'verblijfsepisodes' and (comment is null or comment = '')`,
      );
      expect(comments).toEqual([]);
    } finally {
      db.close();
    }
  });
});
