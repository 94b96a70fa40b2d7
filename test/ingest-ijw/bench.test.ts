/**
 * The XSD benchmark behind docs/ingest-ijw.md: streaming checks alone vs. streaming checks plus XSD
 * validation, on N realistic messages (default 20,000). Run with `RIJM_BENCH=1 npx vitest run test/ingest-ijw/bench.test.ts`.
 */
import { it } from 'vitest';
import { loadMessage, RowSink } from '../../pipelines/ingest/ijw/message.js';
import type { DeliveredFile, LoadContext } from '../../pipelines/ingest/types.js';
import { findGemeente } from '../../pipelines/lib/gemeenten.js';
import { memoryLogger } from '../../pipelines/lib/log.js';
import { openWarehouse } from '../../pipelines/lib/warehouse.js';
import { key } from './helpers.js';
import { jw301, jw305, jw323 } from './messages.js';

it.skipIf(!process.env.RIJM_BENCH)(
  'benchmark: streaming checks with and without the XSD',
  async () => {
    const db = await openWarehouse(':memory:');
    const gemeente = findGemeente('0193')!;
    const file = { gemeente } as DeliveredFile;
    const ctx = { db, key, log: memoryLogger(), quarantine: () => {}, limits: {} } as unknown as LoadContext;
    const N = Number(process.env.N ?? 20000);
    const msgs = Array.from({ length: N }, (_, i) =>
      Buffer.from(
        i % 3 === 0
          ? jw301({
              id: `B${i}`,
              products: [{ nummer: String(i) }, { nummer: String(i + 1e6), eind: '2025-12-31' }],
            })
          : i % 3 === 1
            ? jw305({ id: `B${i}` })
            : jw323(),
      ),
    );
    const bytes = msgs.reduce((n, b) => n + b.length, 0);
    for (const xsd of [false, true, false, true]) {
      const t = performance.now();
      let rows = 0;
      await db.run('begin transaction');
      const sink = new RowSink(db);
      for (const [i, m] of msgs.entries()) {
        const o = await loadMessage(file, ctx, {
          deliveryId: `d${i}`,
          memberName: null,
          size: xsd ? m.length : 1e12,
          sink,
          open: async function* () {
            yield m;
          },
        });
        rows += o.recordsLoaded;
      }
      await sink.flush();
      await db.run('rollback');
      const ms = performance.now() - t;
      console.log(
        `${xsd ? 'streaming checks + XSD' : 'streaming checks only'}: ${N} messages, ${rows} rows, ${(bytes / 1e6).toFixed(1)} MB in ${(ms / 1000).toFixed(2)} s = ${Math.round((N / ms) * 1000)} messages/s`,
      );
    }
  },
  600_000,
);
