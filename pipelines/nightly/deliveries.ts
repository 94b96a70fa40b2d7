/**
 * What each gemeente delivered and when, and which gemeente is overdue: nothing delivered for longer than
 * its rhythm (`leverritmeDagen` in profiles/<GM code>.json, default 31 days). `rijm status` reads it from
 * the published warehouse; the nightly run from its own copy, for its summary.
 */
import type { Warehouse } from '../lib/db.js';
import { gemeenten } from '../lib/gemeenten.js';
import { profilesDir } from '../lib/paths.js';
import { loadProfiles } from '../lib/profiles.js';

export const DEFAULT_LEVERRITME_DAGEN = 31;

export interface GemeenteDeliveries {
  gemeente: string;
  naam: string;
  /** Files (and zip members) loaded, wholly or in part. */
  files: number;
  /** Files (and zip members) rejected whole. */
  rejected: number;
  /** Day of the last loaded delivery (its modification time in the inbox), `YYYY-MM-DD`. */
  lastDelivery: string | null;
  types: string;
  leverritmeDagen: number;
  daysSince: number | null;
  overdue: boolean;
}

/** The delivery rhythm in days per CBS code, from the profiles. */
export function rhythmFromProfiles(): (gemeente: string) => number {
  const profiles = loadProfiles(profilesDir);
  return (code) => profiles.get(code)?.leverritmeDagen ?? DEFAULT_LEVERRITME_DAGEN;
}

/** Every gemeente of the region with its deliveries; `now` decides what is overdue. */
export async function readDeliveries(
  db: Warehouse,
  now: Date,
  rhythm: (gemeente: string) => number,
): Promise<GemeenteDeliveries[]> {
  const byGemeente = new Map<
    string,
    { files: number; rejected: number; last: string | null; types: string }
  >();
  for (const r of await db.all(
    `select gemeente,
            count(*) filter (where result in ('geladen', 'deels_afgewezen')) as files,
            count(*) filter (where result = 'afgewezen') as rejected,
            strftime(max(coalesce(received_at, loaded_at)) filter (where result in ('geladen', 'deels_afgewezen')), '%Y-%m-%d') as last,
            coalesce(string_agg(distinct file_type, ', ' order by file_type) filter (where result in ('geladen', 'deels_afgewezen')), '') as types
     from meta.deliveries group by gemeente`,
  )) {
    byGemeente.set(String(r.gemeente), {
      files: Number(r.files),
      rejected: Number(r.rejected),
      last: r.last === null ? null : String(r.last),
      types: String(r.types),
    });
  }
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return gemeenten.map((g) => {
    const d = byGemeente.get(g.cbsCode);
    const days = rhythm(g.cbsCode);
    const daysSince = d?.last ? Math.round((today - Date.parse(`${d.last}T00:00:00Z`)) / 86_400_000) : null;
    return {
      gemeente: g.cbsCode,
      naam: g.naam,
      files: d?.files ?? 0,
      rejected: d?.rejected ?? 0,
      lastDelivery: d?.last ?? null,
      types: d?.types ?? '',
      leverritmeDagen: days,
      daysSince,
      overdue: daysSince === null || daysSince > days,
    };
  });
}

/** `GM0193 Zwolle: last delivery 40 days ago (rhythm 31 days)`. */
export function describeOverdue(d: GemeenteDeliveries): string {
  const since = d.daysSince === null ? 'never delivered' : `last delivery ${d.daysSince} days ago`;
  return `${d.gemeente} ${d.naam}: ${since} (rhythm ${d.leverritmeDagen} days)`;
}
