/**
 * The steps a nightly run calls, passed in as functions so the orchestration (run.ts) can be tested with
 * fake steps and the real ones stay in their own modules. `realSteps()` wires the real ones.
 */
import type { Warehouse } from '../lib/db.js';
import type { Logger } from '../lib/log.js';
import type { SecretKey } from '../lib/pseudonym.js';

export interface GemeenteCounts {
  files: number;
  rejectedFiles: number;
  rowsLoaded: number;
  rowsQuarantined: number;
}

export interface IngestResult extends GemeenteCounts {
  skippedFiles?: number;
  perGemeente: Record<string, GemeenteCounts>;
}

export interface IngestStepOptions {
  inbox: string;
  archiveDir: string;
  key: SecretKey;
  runId: string;
  log: Logger;
  clock: () => Date;
  concurrency?: number;
}

export interface BuildStepOptions {
  peildatum?: string;
  log: Logger;
  clock: () => Date;
}

export interface BuildResult {
  peildatum: string;
  models: { name: string; rows: number }[];
  tests: number;
}

export interface ReportStepOptions {
  outDir: string;
  runId?: string;
  log: Logger;
  clock: () => Date;
  pdf?: 'auto' | 'yes' | 'no';
  chromiumPath?: string;
}

export interface NightlySteps {
  ingest(db: Warehouse, options: IngestStepOptions): Promise<IngestResult>;
  /** Builds the models and runs the data tests; throws a RijmError when one fails. */
  build(db: Warehouse, options: BuildStepOptions): Promise<BuildResult>;
  /** Renders the reports into `outDir`; resolves to counts for the log (any plain object). */
  reports(db: Warehouse, options: ReportStepOptions): Promise<Record<string, unknown>>;
}

/** The real steps, loaded when a run starts (the modules are big; `rijm status` never needs them). */
export async function realSteps(): Promise<NightlySteps> {
  const [{ ingestInbox }, { buildModels }, { renderReports }] = await Promise.all([
    import('../ingest/index.js'),
    import('../models/index.js'),
    import('../../reports/index.js'),
  ]);
  return {
    ingest: (db, options) => ingestInbox(db, options),
    // The run builds its own copy of the warehouse and discards it when the build fails, so the build's
    // own transaction would only add the cost of committing every model at once.
    build: (db, options) => buildModels(db, { ...options, atomic: false }),
    reports: async (db, options) => {
      const summary = await renderReports(db, options);
      return { reports: summary.reports.length, pdf: summary.pdf };
    },
  };
}
