/**
 * The manifest beside the generated inbox: every file (with its zip members), every planted fault with
 * exactly where it is, and the expected totals, so ingest and reconciliation tests know what to expect.
 * Written as it goes (files are streamed into it), so a large region never sits in memory.
 */
import { closeSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** The rule a planted fault breaks, as a short machine code. */
export type FaultRule =
  | 'bsn_elfproef'
  | 'datum_ongeldig'
  | 'code_onbekend'
  | 'andere_gemeente'
  | 'dubbel_bestand'
  | 'bestand_afgekapt'
  | 'kolom_ontbreekt'
  | 'bestandstype_onbekend'
  | 'namespace_onbekend';

export interface Fault {
  gemeente: string;
  /** File name inside the gemeente's inbox folder. */
  file: string;
  rule: FaultRule;
  /** Zip member holding the fault. */
  member?: string;
  /** XML: the element path, e.g. /Bericht/Client/Bsn. */
  path?: string;
  /** Tabular: the standard column name and the 1-based line (CSV) or sheet row (XLSX) of the row. */
  column?: string;
  line?: number;
  /** Tabular: 1-based data record (header excluded), independent of embedded line breaks. */
  record?: number;
  value?: string;
  detail: string;
}

/** A file written in another dialect than its municipality's profile (dialects.ts, `drifts`). */
export interface Departure {
  gemeente: string;
  file: string;
  /** The aspects the ingest must report as departing, sorted. */
  aspects: string[];
}

export interface Member {
  name: string;
  message: string;
  products: number;
}

export interface FileEntry {
  gemeente: string;
  name: string;
  type: 'ijw' | 'uitkomsten' | 'clientbestand' | 'onbekend';
  format: 'xml' | 'zip' | 'csv' | 'xlsx' | 'txt';
  bytes: number;
  sha256: string;
  /** XML: its message code and number of products (ToegewezenProduct, StartProduct, StopProduct, Prestatie). */
  message?: string;
  products?: number;
  /** Tabular: data rows, planted fault rows included. */
  rows?: number;
  members?: Member[];
}

/** Expected totals per gemeente over the valid content (planted faults and their copies excluded). */
export interface Totals {
  levering: 'zip' | 'los' | 'geen';
  files: number;
  messages: Record<string, number>;
  products: Record<string, number>;
  rows: Record<string, number>;
  faults: number;
}

export class ManifestWriter {
  private readonly fd: number;
  private readonly tmp: string;
  private first = true;
  readonly faults: Fault[] = [];
  readonly departures: Departure[] = [];
  readonly totals: Record<string, Totals> = {};

  constructor(
    private readonly path: string,
    generator: Record<string, unknown>,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.tmp = `${path}.tmp`;
    this.fd = openSync(this.tmp, 'w');
    writeSync(this.fd, `{\n"generator": ${JSON.stringify(generator)},\n"files": [\n`);
  }

  file(entry: FileEntry): void {
    writeSync(this.fd, `${this.first ? '' : ',\n'}${JSON.stringify(entry)}`);
    this.first = false;
  }

  fault(f: Fault): void {
    this.faults.push(f);
  }

  departure(d: Departure): void {
    this.departures.push(d);
  }

  /** Writes faults and totals and moves the manifest into place. */
  finish(extra: Record<string, unknown>): void {
    writeSync(this.fd, '\n],\n"faults": [\n');
    writeSync(this.fd, this.faults.map((f) => JSON.stringify(f)).join(',\n'));
    writeSync(this.fd, '\n],\n"departures": [\n');
    writeSync(this.fd, this.departures.map((d) => JSON.stringify(d)).join(',\n'));
    writeSync(this.fd, `\n],\n"totals": ${JSON.stringify(this.totals, null, 1)}`);
    for (const [k, v] of Object.entries(extra))
      writeSync(this.fd, `,\n${JSON.stringify(k)}: ${JSON.stringify(v)}`);
    writeSync(this.fd, '\n}\n');
    closeSync(this.fd);
    renameSync(this.tmp, this.path);
  }
}
