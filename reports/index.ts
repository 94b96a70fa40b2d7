/**
 * Renders the monitor reports from the warehouse: one HTML report per gemeente (`<GM code>/index.html`),
 * one for the region (`IJsselland/index.html`), an `index.html` linking them, and a PDF beside each
 * report when Chromium is available. The nightly job and `rijm report` both call `renderReports`.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Warehouse } from '../pipelines/lib/db.js';
import { REGION_CODE } from '../pipelines/lib/gemeenten.js';
import type { Logger } from '../pipelines/lib/log.js';
import { sqlDir } from '../pipelines/lib/paths.js';
import { type Colophon, renderIndexPage, renderReportPage } from './document.js';
import { type PdfMode, printPdfs, wantPdf } from './pdf.js';
import { renderQuality } from './quality.js';
import {
  type Available,
  type Funnel,
  readCurves,
  readDataQuality,
  readFunnel,
  readGemeenten,
  readIndicators,
  readPeildatum,
  readRun,
} from './queries.js';
import {
  FUNNEL_INDICATORS,
  jaren,
  type ReportData,
  renderChapters,
  renderKerncijfers,
  type Scope,
} from './sections.js';
import { hashSqlTree } from './version.js';

export interface RenderOptions {
  outDir: string;
  runId?: string;
  log: Logger;
  clock: () => Date;
  pdf?: PdfMode;
  /** Where the SQL models live, for the model version in the colophon (default: the project's sql/). */
  sqlDir?: string;
  chromiumPath?: string;
}

export interface RenderedReport {
  code: string;
  naam: string;
  /** Paths relative to `outDir`. */
  html: string;
  pdf: string | null;
}

export interface ReportSummary {
  outDir: string;
  index: string;
  reports: RenderedReport[];
  runId: string | null;
  peildatum: string | null;
  pdf: boolean;
}

function writeAtomic(path: string, content: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}

/** The last whole year up to the peildatum (or the latest year present when none is whole yet). */
export function chooseReferentiejaar(years: string[], peildatum: string | null): string | null {
  if (years.length === 0) return null;
  const whole = peildatum ? years.filter((y) => `${y}-12-31` <= peildatum) : years;
  return (whole.length > 0 ? whole : years).at(-1) ?? null;
}

export async function renderReports(db: Warehouse, opts: RenderOptions): Promise<ReportSummary> {
  const generatedAt = opts.clock();
  const run = await readRun(db, opts.runId);
  const peildatum = await readPeildatum(db, run.peildatum);
  const gemeenten = await readGemeenten(db);
  const indicators = await readIndicators(db);
  const referentiejaar = indicators.ok ? chooseReferentiejaar(jaren(indicators.value), peildatum) : null;
  const funnels = new Map<string, Available<Funnel>>();
  if (referentiejaar)
    for (const i of FUNNEL_INDICATORS) funnels.set(i, await readFunnel(db, i, referentiejaar));
  const curves = await readCurves(db);
  const dataQuality = await readDataQuality(db);
  if (!indicators.ok) opts.log.warn('report.indicators_missing', { reason: indicators.reason });

  const colophon: Colophon = {
    runId: run.runId,
    peildatum,
    generatedAt,
    sqlVersie: hashSqlTree(opts.sqlDir ?? sqlDir),
  };
  const region: Scope = { code: REGION_CODE, naam: REGION_CODE, isRegion: true };
  const naamVan = (code: string) => gemeenten.find((g) => g.code === code)?.naam ?? code;
  const scopes: Scope[] = [
    region,
    ...gemeenten.map((g) => ({ code: g.code, naam: g.naam, isRegion: false })),
  ];

  mkdirSync(opts.outDir, { recursive: true });
  opts.log.debug('report.start', { reports: scopes.length });
  const makePdf = wantPdf(opts.pdf ?? 'auto', opts.chromiumPath);
  const reports: RenderedReport[] = [];
  for (const scope of scopes) {
    const data: ReportData = {
      scope,
      region,
      gemeenten,
      indicators,
      curves,
      funnels,
      referentiejaar,
      peildatum,
    };
    const quality = dataQuality.for(scope.isRegion ? null : scope.code);
    const page = renderReportPage({
      naam: scope.naam,
      isRegion: scope.isRegion,
      kerncijfers: renderKerncijfers(data),
      chapters: renderChapters(data),
      quality: renderQuality(quality, peildatum, scope.isRegion, naamVan),
      colophon,
    });
    mkdirSync(join(opts.outDir, scope.code), { recursive: true });
    writeAtomic(join(opts.outDir, scope.code, 'index.html'), page);
    reports.push({
      code: scope.code,
      naam: scope.naam,
      html: `${scope.code}/index.html`,
      pdf: makePdf ? `${scope.code}/rapport.pdf` : null,
    });
    opts.log.debug('report.rendered', { gemeente: scope.code });
  }

  const entry = (r: RenderedReport) => ({ naam: r.naam, href: r.html, pdfHref: r.pdf });
  const [regionReport, ...gemeenteReports] = reports;
  writeAtomic(
    join(opts.outDir, 'index.html'),
    renderIndexPage(entry(regionReport!), gemeenteReports.map(entry), colophon),
  );

  if (makePdf) {
    opts.log.debug('report.pdfs_start', { reports: reports.length });
    await printPdfs(
      reports.map((r) => [join(opts.outDir, r.html), join(opts.outDir, r.pdf!)] as [string, string]),
      opts.chromiumPath,
    );
  }
  opts.log.info('report.done', { reports: reports.length, pdf: makePdf, out: opts.outDir });
  return { outDir: opts.outDir, index: 'index.html', reports, runId: run.runId, peildatum, pdf: makePdf };
}
