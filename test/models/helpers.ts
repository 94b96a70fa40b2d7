/**
 * A warehouse in memory built from given raw rows, for tests of the models. Rows are partial objects:
 * the helper fills the meta.deliveries row each one points at and sensible defaults for the columns a
 * test does not care about, so a test states only what matters to it.
 */

import type { Warehouse } from '../../pipelines/lib/db.js';
import { memoryLogger } from '../../pipelines/lib/log.js';
import { openWarehouse } from '../../pipelines/lib/warehouse.js';
import { type BuildSummary, buildModels } from '../../pipelines/models/index.js';

export const RUN_DATE = new Date('2026-01-15T03:00:00Z');
export const clock = () => RUN_DATE;

type Values = Record<string, unknown>;

export interface Given {
  jw301?: Values[];
  jw305?: Values[];
  jw307?: Values[];
  jw315?: Values[];
  jw323?: Values[];
  uitkomsten?: Values[];
  clientbestand?: Values[];
}

/** Every delivery a row points at by `file` (default one file per message type); gemeente from the row. */
const defaults: Record<keyof Given, Values> = {
  jw301: {
    gemeente: 'GM0193',
    aanbieder_agb: '12345678',
    bericht_identificatie: 'B1',
    dagtekening: '2024-01-01',
    client_id: 'c1',
    geboortejaar: 2012,
    geboortemaand: 6,
    toewijzingnummer: 'T1',
    productcategorie: '45',
    productcode: null,
    toewijzingsdatum: '2024-01-01',
    toewijzingstijd: '09:00:00',
    ingangsdatum: '2024-01-01',
    einddatum: null,
  },
  jw305: {
    gemeente: 'GM0193',
    aanbieder_agb: '12345678',
    bericht_identificatie: 'S1',
    client_id: 'c1',
    toewijzingnummer: 'T1',
    productcategorie: '45',
    productcode: null,
    status_aanlevering: '1',
  },
  jw307: {
    gemeente: 'GM0193',
    aanbieder_agb: '12345678',
    bericht_identificatie: 'E1',
    client_id: 'c1',
    toewijzingnummer: 'T1',
    productcategorie: '45',
    productcode: null,
    status_aanlevering: '1',
  },
  jw315: {
    gemeente: 'GM0193',
    aanbieder_agb: '12345678',
    bericht_identificatie: 'V1',
    client_id: 'c1',
    productcategorie: '45',
  },
  jw323: {
    gemeente: 'GM0193',
    aanbieder_agb: '12345678',
    bericht_identificatie: 'D1',
    client_id: 'c1',
    toewijzingnummer: 'T1',
    productcategorie: '45',
    debet_credit: 'D',
  },
  uitkomsten: {
    gemeente: 'GM0193',
    client_id: 'c1',
    toewijzingnummer: 'T1',
    aanbieder_agb: '12345678',
    productcode: '45A07',
  },
  clientbestand: {
    gemeente: 'GM0193',
    client_id: 'c1',
    geboortejaar: 2012,
    geboortemaand: 6,
    toewijzingnummer: 'T1',
    aanbieder_agb: '12345678',
    productcategorie: '45',
    productcode: null,
  },
};

const fileTypes: Record<keyof Given, string> = {
  jw301: 'ijw',
  jw305: 'ijw',
  jw307: 'ijw',
  jw315: 'ijw',
  jw323: 'ijw',
  uitkomsten: 'uitkomsten',
  clientbestand: 'clientbestand',
};

/** Inserts the given rows (and their meta.deliveries rows) into `db`. `file` names a row's delivery. */
export async function insertRaw(db: Warehouse, given: Given): Promise<void> {
  const deliveries = new Map<string, Values>();
  for (const [table, rows] of Object.entries(given) as [keyof Given, Values[]][]) {
    for (const [i, given] of rows.entries()) {
      const { file = `${table}.xml`, ...values } = given as Values & { file?: string };
      const row: Values = { ...defaults[table], ...values };
      const gemeente = String(row.gemeente);
      const deliveryId = `${gemeente}:${file}`;
      if (!deliveries.has(deliveryId)) {
        const fileDate = /(\d{4})(\d{2})(\d{2})/.exec(String(file));
        deliveries.set(deliveryId, {
          delivery_id: deliveryId,
          gemeente,
          file_name: file,
          sha256: deliveryId,
          size_bytes: 0,
          file_type: fileTypes[table],
          file_date: fileDate ? `${fileDate[1]}-${fileDate[2]}-${fileDate[3]}` : null,
          loaded_at: '2026-01-01 00:00:00',
          result: 'geladen',
        });
      }
      row.delivery_id = deliveryId;
      if (table === 'uitkomsten' || table === 'clientbestand') {
        row.line ??= i + 2;
        row.file_date ??= deliveries.get(deliveryId)!.file_date;
      } else {
        row.seq ??= i + 1;
      }
      await insertRow(db, `raw.${table}`, row);
    }
  }
  for (const d of deliveries.values()) await insertRow(db, 'meta.deliveries', d);
}

async function insertRow(db: Warehouse, table: string, row: Values): Promise<void> {
  const cols = Object.keys(row);
  await db.run(
    `insert into ${table} (${cols.join(', ')}) values (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
    cols.map((c) => row[c] as string | number | null),
  );
}

/** Opens an in-memory warehouse, inserts `given` and builds the models. */
export async function buildWith(
  given: Given,
  opts: { peildatum?: string } = {},
): Promise<{ db: Warehouse; summary: BuildSummary }> {
  const db = await openWarehouse(':memory:');
  await insertRaw(db, given);
  const summary = await buildModels(db, { ...opts, log: memoryLogger(clock), clock });
  return { db, summary };
}
