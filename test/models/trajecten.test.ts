import { describe, expect, it } from 'vitest';
import type { Warehouse } from '../../pipelines/lib/db.js';
import { buildWith, type Given } from './helpers.js';

/** A toewijzing T for client c (category 45 → hulpvorm 02 unless given). */
const toewijzing = (nr: string, extra: Record<string, unknown> = {}) => ({ toewijzingnummer: nr, ...extra });
const start = (nr: string, begindatum: string, extra: Record<string, unknown> = {}) => ({
  toewijzingnummer: nr,
  begindatum,
  dagtekening: begindatum,
  ...extra,
});
const stop = (
  nr: string,
  begindatum: string,
  einddatum: string,
  reden: string,
  extra: Record<string, unknown> = {},
) => ({
  toewijzingnummer: nr,
  begindatum,
  einddatum,
  reden_beeindiging: reden,
  dagtekening: einddatum,
  ...extra,
});

async function trajecten(given: Given, peildatum = '2025-06-30') {
  const { db } = await buildWith(given, { peildatum });
  try {
    return await db.all(
      'select begindatum, einddatum, reden_beeindiging as reden, is_open, aantal_episodes from core.trajecten order by begindatum',
    );
  } finally {
    db.close();
  }
}

async function withBuild<T>(given: Given, peildatum: string, fn: (db: Warehouse) => Promise<T>): Promise<T> {
  const { db } = await buildWith(given, { peildatum });
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

describe('trajectories (CBS 3.1)', () => {
  it('merges overlapping and adjoining episodes of one client, provider and hulpvorm, but not a gap', async () => {
    const rows = await trajecten({
      jw301: [toewijzing('A'), toewijzing('B'), toewijzing('C'), toewijzing('D')],
      jw305: [
        start('A', '2024-01-01'),
        start('B', '2024-02-01'),
        start('C', '2024-04-01'),
        start('D', '2024-06-01'),
      ],
      jw307: [
        stop('A', '2024-01-01', '2024-03-01', '34'),
        stop('B', '2024-02-01', '2024-03-31', '31'), // overlaps A
        stop('C', '2024-04-01', '2024-05-01', '32'), // starts the day after B ends: adjoins
        stop('D', '2024-06-01', '2024-07-01', '31'), // a gap of a month: new trajectory
      ],
    });
    expect(rows).toEqual([
      { begindatum: '2024-01-01', einddatum: '2024-05-01', reden: '32', is_open: false, aantal_episodes: 3 },
      { begindatum: '2024-06-01', einddatum: '2024-07-01', reden: '31', is_open: false, aantal_episodes: 1 },
    ]);
  });

  it('keeps different providers and hulpvormen apart', async () => {
    const rows = await trajecten({
      jw301: [
        toewijzing('A'),
        toewijzing('B', { aanbieder_agb: '87654321' }),
        toewijzing('C', { productcategorie: '43' }),
      ],
      jw305: [
        start('A', '2024-01-01'),
        start('B', '2024-01-01', { aanbieder_agb: '87654321' }),
        start('C', '2024-01-01', { productcategorie: '43' }),
      ],
    });
    expect(rows).toHaveLength(3);
  });

  it('takes the reden of the episode that ends last; on a tie the one that started last', async () => {
    const rows = await trajecten({
      jw301: [toewijzing('A'), toewijzing('B')],
      jw305: [start('A', '2024-01-01'), start('B', '2024-02-01')],
      jw307: [stop('A', '2024-01-01', '2024-05-01', '31'), stop('B', '2024-02-01', '2024-05-01', '33')],
    });
    expect(rows).toEqual([
      { begindatum: '2024-01-01', einddatum: '2024-05-01', reden: '33', is_open: false, aantal_episodes: 2 },
    ]);
  });

  it('is open while any episode is open', async () => {
    const rows = await trajecten({
      jw301: [toewijzing('A'), toewijzing('B')],
      jw305: [start('A', '2024-01-01'), start('B', '2024-02-01')],
      jw307: [stop('A', '2024-01-01', '2024-09-01', '31')],
    });
    expect(rows).toEqual([
      { begindatum: '2024-01-01', einddatum: null, reden: null, is_open: true, aantal_episodes: 2 },
    ]);
  });

  it('only forms trajectories from jeugdhulp: vervoer and categories 47-49 are set apart', async () => {
    await withBuild(
      {
        jw301: [
          toewijzing('A'),
          toewijzing('V', { productcategorie: '42' }),
          toewijzing('J', { productcategorie: '48', productcode: '48A01' }),
        ],
        jw305: [
          start('A', '2024-01-01'),
          start('V', '2024-01-01', { productcategorie: '42' }),
          start('J', '2024-01-01', { productcategorie: '48', productcode: '48A01' }),
        ],
      },
      '2025-06-30',
      async (db) => {
        expect(
          await db.all('select toewijzingnummer, soort, hulpvorm from core.toewijzingen order by 1'),
        ).toEqual([
          { toewijzingnummer: 'A', soort: 'jeugdhulp', hulpvorm: '02' },
          { toewijzingnummer: 'J', soort: 'jeugdbescherming', hulpvorm: null },
          { toewijzingnummer: 'V', soort: 'vervoer', hulpvorm: null },
        ]);
        expect(await db.one('select count(*) as n from core.trajecten')).toEqual({ n: 1 });
      },
    );
  });

  it('maps a code the list gives a CBS code outside jeugdhulp through its category, without failing the build', async () => {
    await withBuild(
      // 48A03 is jeugdbescherming (21) in the list; delivered under jeugdhulp category 45 it is 02.
      { jw301: [toewijzing('A', { productcategorie: '45', productcode: '48A03' })] },
      '2025-06-30',
      async (db) => {
        expect(await db.all('select soort, hulpvorm from core.toewijzingen')).toEqual([
          { soort: 'jeugdhulp', hulpvorm: '02' },
        ]);
      },
    );
  });

  it('maps a product through the product list before its category', async () => {
    await withBuild(
      // 45A07 is listed; a category-45 product without a code falls back to 02.
      {
        jw301: [
          toewijzing('A', { productcategorie: '45', productcode: '40A01' }),
          toewijzing('B', { productcategorie: '35' }),
        ],
      },
      '2025-06-30',
      async (db) => {
        expect(
          await db.all('select toewijzingnummer, hulpvorm, met_verblijf from core.toewijzingen order by 1'),
        ).toEqual([
          { toewijzingnummer: 'A', hulpvorm: '04', met_verblijf: false },
          { toewijzingnummer: 'B', hulpvorm: '11', met_verblijf: true },
        ]);
      },
    );
  });
});

describe('delivery episodes', () => {
  it('merges a reden-20 pause with a restart 1-90 days later into one episode', async () => {
    const rows = await trajecten({
      jw301: [toewijzing('A')],
      jw305: [start('A', '2024-01-01'), start('A', '2024-05-30')],
      jw307: [stop('A', '2024-01-01', '2024-03-01', '20'), stop('A', '2024-05-30', '2024-08-01', '31')],
    });
    expect(rows).toEqual([
      { begindatum: '2024-01-01', einddatum: '2024-08-01', reden: '31', is_open: false, aantal_episodes: 1 },
    ]);
  });

  it('ends the episode with reden 20 when the restart comes more than 90 days later', async () => {
    const rows = await trajecten({
      jw301: [toewijzing('A')],
      jw305: [start('A', '2024-01-01'), start('A', '2024-05-31')],
      jw307: [stop('A', '2024-01-01', '2024-03-01', '20'), stop('A', '2024-05-31', '2024-08-01', '31')],
    });
    expect(rows).toEqual([
      { begindatum: '2024-01-01', einddatum: '2024-03-01', reden: '20', is_open: false, aantal_episodes: 1 },
      { begindatum: '2024-05-31', einddatum: '2024-08-01', reden: '31', is_open: false, aantal_episodes: 1 },
    ]);
  });

  it('applies corrections in Dagtekening order: status 2 replaces, 3 deletes, whatever order they arrived in', async () => {
    const rows = await trajecten({
      jw301: [toewijzing('A'), toewijzing('B')],
      jw305: [start('A', '2024-01-01'), start('B', '2024-03-01')],
      jw307: [
        // The correction arrived in an earlier file but carries the later Dagtekening: it holds.
        stop('A', '2024-01-01', '2024-02-01', '32', {
          status_aanlevering: '2',
          dagtekening: '2024-02-10',
          file: 'a.xml',
        }),
        stop('A', '2024-01-01', '2024-01-20', '31', { dagtekening: '2024-02-05', file: 'b.xml' }),
        // A stop, then its deletion: B is open again.
        stop('B', '2024-03-01', '2024-04-01', '31', { dagtekening: '2024-04-02', file: 'a.xml' }),
        stop('B', '2024-03-01', '2024-04-01', '31', {
          status_aanlevering: '3',
          dagtekening: '2024-04-09',
          file: 'c.xml',
        }),
      ],
    });
    expect(rows).toEqual([
      { begindatum: '2024-01-01', einddatum: '2024-02-01', reden: '32', is_open: false, aantal_episodes: 1 },
      { begindatum: '2024-03-01', einddatum: null, reden: null, is_open: true, aantal_episodes: 1 },
    ]);
  });

  it('breaks a Dagtekening tie by file name, then by place in the file', async () => {
    const rows = await trajecten({
      jw301: [toewijzing('A')],
      jw305: [start('A', '2024-01-01')],
      jw307: [
        stop('A', '2024-01-01', '2024-03-01', '31', { dagtekening: '2024-03-05', file: 'b.xml', seq: 1 }),
        stop('A', '2024-01-01', '2024-04-01', '33', { dagtekening: '2024-03-05', file: 'b.xml', seq: 2 }),
        stop('A', '2024-01-01', '2024-02-01', '34', { dagtekening: '2024-03-05', file: 'a.xml', seq: 9 }),
      ],
    });
    expect(rows).toEqual([
      { begindatum: '2024-01-01', einddatum: '2024-04-01', reden: '33', is_open: false, aantal_episodes: 1 },
    ]);
  });

  it('deletes a start with status 3: no start, no episode', async () => {
    const rows = await trajecten({
      jw301: [toewijzing('A')],
      jw305: [
        start('A', '2024-01-01'),
        start('A', '2024-01-01', { status_aanlevering: '3', dagtekening: '2024-01-05' }),
      ],
    });
    expect(rows).toEqual([]);
  });

  it('drops a toewijzing whose current version has RedenWijziging 13, with its starts, stops and outcomes', async () => {
    await withBuild(
      {
        jw301: [
          toewijzing('A'),
          toewijzing('A', {
            toewijzingsdatum: '2024-02-01',
            reden_wijziging: '13',
            dagtekening: '2024-02-01',
          }),
          toewijzing('B'),
        ],
        jw305: [start('A', '2024-01-01'), start('B', '2024-01-01')],
        jw307: [stop('A', '2024-01-01', '2024-03-01', '31'), stop('B', '2024-01-01', '2024-03-01', '31')],
        uitkomsten: [
          { toewijzingnummer: 'A', einddatum: '2024-03-01', informant: 'J', doelrealisatie: '1' },
          { toewijzingnummer: 'B', einddatum: '2024-03-01', informant: 'J', doelrealisatie: '1' },
        ],
      },
      '2025-06-30',
      async (db) => {
        expect(await db.all('select toewijzingnummer from core.toewijzingen')).toEqual([
          { toewijzingnummer: 'B' },
        ]);
        expect(await db.all('select toewijzingnummer from core.episodes')).toEqual([
          { toewijzingnummer: 'B' },
        ]);
        expect(await db.all('select toewijzingnummer from core.uitkomsten')).toEqual([
          { toewijzingnummer: 'B' },
        ]);
        const dq = await db.all(
          "select soort, aantal from core.datakwaliteit where gemeente = 'GM0193' and aantal > 0 order by soort",
        );
        expect(dq).toEqual([
          { soort: 'start_verwijderde_toewijzing', aantal: 1 },
          { soort: 'stop_verwijderde_toewijzing', aantal: 1 },
          { soort: 'toewijzing_verwijderd', aantal: 1 },
          { soort: 'uitkomst_verwijderde_toewijzing', aantal: 1 },
        ]);
      },
    );
  });

  it('a later version that is not 13 revives the toewijzing; the latest (datum, tijd) holds', async () => {
    await withBuild(
      {
        jw301: [
          toewijzing('A', {
            toewijzingsdatum: '2024-02-01',
            toewijzingstijd: '10:00:00',
            einddatum: '2024-12-31',
          }),
          toewijzing('A', {
            toewijzingsdatum: '2024-02-01',
            toewijzingstijd: '09:00:00',
            reden_wijziging: '13',
          }),
          toewijzing('A', { toewijzingsdatum: '2024-01-01' }),
        ],
      },
      '2025-06-30',
      async (db) => {
        expect(
          await db.all('select einddatum, eerste_toewijzingsdatum, aantal_versies from core.toewijzingen'),
        ).toEqual([{ einddatum: '2024-12-31', eerste_toewijzingsdatum: '2024-01-01', aantal_versies: 3 }]);
      },
    );
  });

  it('ignores a stop without a start and counts it; a toewijzing without a start has no episode', async () => {
    await withBuild(
      {
        jw301: [toewijzing('A'), toewijzing('B')],
        jw307: [stop('A', '2024-01-01', '2024-03-01', '31')],
      },
      '2025-06-30',
      async (db) => {
        expect(await db.one('select count(*) as n from core.episodes')).toEqual({ n: 0 });
        const dq = await db.all(
          "select soort, aantal from core.datakwaliteit where gemeente = 'GM0193' and aantal > 0 order by soort",
        );
        expect(dq).toEqual([
          { soort: 'stop_zonder_start', aantal: 1 },
          { soort: 'toewijzing_zonder_start', aantal: 2 },
        ]);
      },
    );
  });

  it('closes an open episode on the toewijzing Einddatum once that lies before the peildatum, reden onbekend', async () => {
    const given: Given = {
      jw301: [toewijzing('A', { einddatum: '2024-06-30' })],
      jw305: [start('A', '2024-01-01')],
    };
    expect(await trajecten(given, '2024-07-01')).toEqual([
      { begindatum: '2024-01-01', einddatum: '2024-06-30', reden: null, is_open: false, aantal_episodes: 1 },
    ]);
    expect(await trajecten(given, '2024-06-30')).toEqual([
      { begindatum: '2024-01-01', einddatum: null, reden: null, is_open: true, aantal_episodes: 1 },
    ]);
  });
});

describe('two starts on one toewijzing on the same day, with different products', () => {
  it('are two episodes of one trajectory, and do not fail the build', async () => {
    await withBuild(
      {
        jw301: [toewijzing('A')],
        jw305: [start('A', '2024-01-01'), start('A', '2024-01-01', { productcode: '45A07' })],
        jw307: [stop('A', '2024-01-01', '2024-03-01', '31', { productcode: '45A07' })],
      },
      '2025-06-30',
      async (db) => {
        expect(await db.all('select episode_id, einddatum from core.episodes order by episode_id')).toEqual([
          { episode_id: 'GM0193/A/2024-01-01/45', einddatum: null },
          { episode_id: 'GM0193/A/2024-01-01/45/45A07', einddatum: '2024-03-01' },
        ]);
        expect(await db.all('select aantal_episodes, is_open from core.trajecten')).toEqual([
          { aantal_episodes: 2, is_open: true },
        ]);
      },
    );
  });
});

describe('a paused episode that restarts and never stops', () => {
  // Start, a reden-20 stop, a restart within 90 days, no later stop, and the toewijzing's Einddatum has
  // passed: one episode that ends on that Einddatum with reden onbekend, not on the pause with reden 20.
  const given: Given = {
    jw301: [toewijzing('A', { einddatum: '2024-12-31' })],
    jw305: [start('A', '2024-01-01'), start('A', '2024-04-15')],
    jw307: [stop('A', '2024-01-01', '2024-03-01', '20')],
  };

  it('ends on the toewijzing Einddatum with reden onbekend once that lies before the peildatum', async () => {
    await withBuild(given, '2025-06-30', async (db) => {
      expect(
        await db.all(
          'select begindatum, einddatum, reden_beeindiging, is_open, gesloten_op_toewijzing, aantal_onderbrekingen from core.episodes',
        ),
      ).toEqual([
        {
          begindatum: '2024-01-01',
          einddatum: '2024-12-31',
          reden_beeindiging: null,
          is_open: false,
          gesloten_op_toewijzing: true,
          aantal_onderbrekingen: 1,
        },
      ]);
      expect(
        await db.all('select begindatum, einddatum, reden_beeindiging, is_open from core.trajecten'),
      ).toEqual([
        { begindatum: '2024-01-01', einddatum: '2024-12-31', reden_beeindiging: null, is_open: false },
      ]);
    });
  });

  it('stays open while the toewijzing runs', async () => {
    expect(await trajecten(given, '2024-12-31')).toEqual([
      { begindatum: '2024-01-01', einddatum: null, reden: null, is_open: true, aantal_episodes: 1 },
    ]);
  });
});

describe('the peildatum', () => {
  it('is the latest Dagtekening, JW307 Einddatum or outcome date, not a planned toewijzing end, capped at the run date', async () => {
    await withBuild(
      {
        jw301: [toewijzing('A', { dagtekening: '2024-01-01', einddatum: '2025-12-31' })],
        jw305: [start('A', '2024-01-01', { dagtekening: '2024-01-03' })],
        jw307: [stop('A', '2024-01-01', '2024-04-01', '31', { dagtekening: '2024-03-20' })],
        uitkomsten: [{ einddatum: '2024-04-01', informant: 'J', meetdatum: '2024-04-15' }],
      },
      undefined as unknown as string,
      async (db) => {
        expect(await db.one('select peildatum, bron from core.peildatum')).toEqual({
          peildatum: '2024-04-15',
          bron: 'berekend',
        });
      },
    );
    await withBuild(
      { jw305: [start('A', '2024-01-01', { dagtekening: '2027-01-01' })] },
      undefined as unknown as string,
      async (db) => {
        expect(await db.one('select peildatum from core.peildatum')).toEqual({ peildatum: '2026-01-15' });
      },
    );
  });
});

describe('clientbestand and iJw', () => {
  const ijw: Given = {
    jw301: [
      toewijzing('T9', {
        client_id: 'c7',
        productcategorie: '43',
        productcode: '43A03',
        toewijzingsdatum: '2024-01-10',
        toewijzingstijd: '00:00:00',
        ingangsdatum: '2024-01-15',
        einddatum: '2024-12-31',
        budget_cent: 500000,
      }),
    ],
    jw305: [start('T9', '2024-01-20', { client_id: 'c7', productcategorie: '43', productcode: '43A03' })],
    jw307: [
      stop('T9', '2024-01-20', '2024-09-30', '34', {
        client_id: 'c7',
        productcategorie: '43',
        productcode: '43A03',
      }),
    ],
    uitkomsten: [
      { toewijzingnummer: 'T9', client_id: 'c7', einddatum: '2024-09-30', informant: 'O', tevredenheid: 6 },
    ],
  };
  const clientbestand: Given = {
    clientbestand: [
      // An older export, replaced by the newer one below.
      {
        toewijzingnummer: 'T9',
        client_id: 'c7',
        productcategorie: '43',
        productcode: '43A03',
        toewijzingsdatum: '2024-01-10',
        ingangsdatum: '2024-01-15',
        start_zorg: '2024-01-20',
        file: 'clientbestand_20240301.csv',
      },
      {
        toewijzingnummer: 'T9',
        client_id: 'c7',
        productcategorie: '43',
        productcode: '43A03',
        toewijzingsdatum: '2024-01-10',
        ingangsdatum: '2024-01-15',
        einddatum: '2024-12-31',
        budget_cent: 500000,
        start_zorg: '2024-01-20',
        einde_zorg: '2024-09-30',
        reden_beeindiging: '34',
        file: 'clientbestand_20241001.csv',
      },
    ],
    uitkomsten: ijw.uitkomsten!,
  };

  const core = async (given: Given) =>
    withBuild(given, '2025-06-30', async (db) => ({
      toewijzingen: await db.all('select * exclude (bron) from core.toewijzingen'),
      episodes: await db.all('select * exclude (bron) from core.episodes'),
      trajecten: await db.all('select * from core.trajecten'),
      uitkomsten: await db.all('select * from core.uitkomsten'),
      indicatoren: await db.all('select * from marts.indicator_values order by all'),
    }));

  it('give identical core rows and indicators', async () => {
    const fromIjw = await core(ijw);
    const fromClientbestand = await core(clientbestand);
    expect(fromIjw.trajecten).toHaveLength(1);
    expect(fromIjw.uitkomsten).toHaveLength(1);
    expect(fromClientbestand).toEqual(fromIjw);
  });
});
