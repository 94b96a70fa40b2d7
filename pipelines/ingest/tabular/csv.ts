/**
 * CSV → the batch's staging table (file, line + one VARCHAR per standard column), in one direction:
 * bytes → encoding (./encoding.ts) → dialect and header → data records → DuckDB `read_csv` → the table.
 *
 * The text is decoded and scanned as a stream, once, in JS, quote-aware, to find where each record starts:
 * that gives the physical line the user sees (a quoted line break makes a record span lines) and
 * normalises CR-only and CRLF line ends. The start of the text is kept until the dialect is decided: for
 * each allowed delimiter (the profile's first) and quote (the profile's, then `"`), the first records are
 * searched for the header, and the file is read with the one that finds it (see `decideDialect`). Each
 * data record is then written, as it is found, to a scratch UTF-8 file with its line number as an extra
 * first field, so rows that `read_csv` keeps and rows it rejects (`store_rejects`) both carry their line,
 * and a large file is never held whole. A record whose quote is never closed swallows the rest of the
 * file; it is quarantined here, as DuckDB would drop it silently.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Profile } from '../../../schemas/profile.js';
import { literal } from '../../lib/db.js';
import { columnSpecs, type TabularType } from './columns.js';
import {
  DELIMITERS,
  type Delimiter,
  type DialectFact,
  delimiterLabel,
  type Expectation,
  fact,
  headerFact,
  quoteLabel,
} from './dialect.js';
import { decodeFile, detectEncoding, encodingFact, encodingLabel } from './encoding.js';
import { findHeader, HEADER_SEARCH_ROWS, type HeaderSearch, searchedWhere } from './header.js';
import type { FileRef, Staged, StageTarget } from './stage.js';

const LF = 10;
const CR = 13;

/** One record of the text: [start, end) without its line end; `line` is the 1-based line it starts on. */
interface RecordSpan {
  start: number;
  end: number;
  line: number;
  /** The file ended inside a quoted value that started in this record. */
  unterminated: boolean;
}

/**
 * Calls `onRecord` for each record of `text`, in order, until it returns false. A quote opens a quoted
 * value only at the start of a field; inside, a doubled quote is a quote. CRLF, LF and CR end a line.
 */
export function scanRecords(
  text: string,
  delimiter: string,
  quote: string,
  onRecord: (r: RecordSpan) => boolean | undefined,
): void {
  const d = delimiter.charCodeAt(0);
  const q = quote.charCodeAt(0);
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const start = i;
    const startLine = line;
    let inQuotes = false;
    let fieldStart = true;
    let end = -1;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (inQuotes) {
        if (c === q) {
          if (text.charCodeAt(i + 1) === q) i++;
          else inQuotes = false;
        } else if (c === LF) line++;
        else if (c === CR) {
          line++;
          if (text.charCodeAt(i + 1) === LF) i++;
        }
        i++;
        continue;
      }
      if (c === LF || c === CR) {
        end = i;
        i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
        line++;
        break;
      }
      if (c === q && fieldStart) inQuotes = true;
      fieldStart = c === d;
      i++;
    }
    const span = { start, end: end < 0 ? n : end, line: startLine, unterminated: inQuotes };
    if (onRecord(span) === false) return;
  }
}

/** The fields of one record (for the header search; the data itself is parsed by DuckDB). */
export function splitFields(record: string, delimiter: string, quote: string): string[] {
  const fields: string[] = [];
  let value = '';
  let inQuotes = false;
  let fieldStart = true;
  for (let i = 0; i < record.length; i++) {
    const c = record[i]!;
    if (inQuotes) {
      if (c === quote) {
        if (record[i + 1] === quote) {
          value += quote;
          i++;
        } else inQuotes = false;
      } else value += c;
      continue;
    }
    if (c === quote && fieldStart) {
      inQuotes = true;
      fieldStart = false;
      continue;
    }
    if (c === delimiter) {
      fields.push(value);
      value = '';
      fieldStart = true;
      continue;
    }
    value += c;
    fieldStart = false;
  }
  fields.push(value);
  return fields;
}

function blankPattern(delimiter: string): RegExp {
  return new RegExp(`^[\\s${delimiter === '\t' ? '' : delimiter.replace(/[\\\]^-]/g, '\\$&')}]*$`);
}

/** The header search of one delimiter and quote on the start of the text. */
interface HeaderTry {
  delimiter: Delimiter;
  quote: string;
  search: HeaderSearch;
  /** The header record. */
  header: RecordSpan | undefined;
  fields: string[];
  /**
   * The search ended on a record whose line end is in `text`: more text after it cannot change the
   * result (with less, a record cut at the end of `text` may have been taken for a whole one).
   */
  complete: boolean;
}

function searchHeader(
  text: string,
  delimiter: Delimiter,
  quote: string,
  headerRow: number | undefined,
  type: TabularType,
  profile: Profile,
): HeaderTry {
  const blank = blankPattern(delimiter);
  const spans: RecordSpan[] = [];
  let complete = false;
  // The first 20 records that are not blank, and on to the profile's header row when it lies further.
  scanRecords(text, delimiter, quote, (r) => {
    if (!blank.test(text.slice(r.start, r.end))) spans.push(r);
    const more = spans.length < HEADER_SEARCH_ROWS || (headerRow !== undefined && r.line < headerRow);
    if (!more) complete = r.end < text.length;
    return more;
  });
  const rows = spans.map((r) => splitFields(text.slice(r.start, r.end), delimiter, quote));
  const search = findHeader(
    rows,
    spans.map((r) => r.line),
    type,
    profile,
    headerRow,
  );
  return {
    delimiter,
    quote,
    search,
    header: search.index === undefined ? undefined : spans[search.index],
    fields: search.index === undefined ? [] : rows[search.index]!,
    complete,
  };
}

/** How the file is read, once decided from the start of its text. */
type Decision =
  | { ok: true; chosen: HeaderTry; facts: DialectFact[] }
  | { ok: false; reason: string }
  /** More text is needed to decide. */
  | undefined;

/**
 * The dialect of the start of the text, the profile as the expectation: its delimiter and quote when
 * they find the header; else the one other delimiter that does (a departure); two others that both do
 * are ambiguous, and none is a file without its required columns. Per delimiter the profile's quote is
 * tried first and `"` (delivery.md §3.4) only when that finds no header. `atEnd`: `text` is all there is.
 */
function decideDialect(
  text: string,
  expect: Expectation,
  type: TabularType,
  profile: Profile,
  atEnd: boolean,
  encoding: string,
): Decision {
  const delimiters: Delimiter[] =
    expect.delimiter === 'detect'
      ? [...DELIMITERS]
      : [expect.delimiter, ...DELIMITERS.filter((d) => d !== expect.delimiter)];
  const quotes = expect.quote === '"' ? ['"'] : [expect.quote, '"'];
  const found: HeaderTry[] = [];
  const failed: HeaderTry[] = [];
  for (const delimiter of delimiters) {
    let best: HeaderTry | undefined;
    for (const quote of quotes) {
      const t = searchHeader(text, delimiter, quote, expect.headerRow, type, profile);
      if (!t.complete && !atEnd) return undefined;
      if (t.header) {
        found.push(t);
        best = undefined;
        break;
      }
      if (!best || t.search.match.missing.length < best.search.match.missing.length) best = t;
    }
    if (best) failed.push(best);
    // The profile's own delimiter finds the header: no other can change that.
    if (found.length > 0 && found[0]!.delimiter === expect.delimiter) break;
  }
  const chosen =
    found.find((t) => t.delimiter === expect.delimiter) ?? (found.length === 1 ? found[0] : undefined);
  if (!chosen) {
    if (found.length > 1) {
      const where = found
        .map((t) => `met ${delimiterLabel(t.delimiter)} op regel ${t.header!.line}`)
        .join(', ');
      return {
        ok: false,
        reason: `niet eenduidig te lezen (${encoding}): meer dan één scheidingsteken geeft een kopregel met de verplichte kolommen (${where}) en geen ervan is dat van het profiel`,
      };
    }
    const tried = failed
      .map((t) => `${delimiterLabel(t.delimiter)} mist ${t.search.match.missing.join(', ')}`)
      .join('; ');
    return {
      ok: false,
      reason: `geen ${type}-bestand: verplichte kolommen ontbreken ${searchedWhere(expect.headerRow, 'regel')}, bij elk toegestaan scheidingsteken (gelezen als ${encoding}); geprobeerd: ${tried}`,
    };
  }
  const facts = [
    fact(
      'scheidingsteken',
      expect.delimiter === 'detect' ? null : delimiterLabel(expect.delimiter),
      delimiterLabel(chosen.delimiter),
      expect.delimiter !== 'detect' && chosen.delimiter !== expect.delimiter,
    ),
    fact(
      'aanhalingsteken',
      quoteLabel(expect.quote),
      quoteLabel(chosen.quote),
      chosen.quote !== expect.quote,
    ),
    headerFact(chosen.header!.line, expect.headerRow, 'regel'),
  ];
  return { ok: true, chosen, facts };
}

/**
 * `scanRecords` over text that arrives in chunks: the same records, lines and verdicts as scanning the
 * whole text at once. A record is handed on as soon as its line end is seen.
 */
export class RecordScanner {
  readonly #d: number;
  readonly #q: number;
  readonly #onRecord: (record: string, line: number, unterminated: boolean) => boolean | undefined;
  /** The current record's text from earlier chunks. */
  #parts: string[] = [];
  /** A record has begun (any character since the last line end). */
  #open = false;
  #line: number;
  #startLine: number;
  #inQuotes = false;
  #fieldStart = true;
  /** The previous chunk ended on a CR ending a record: an LF first in this chunk belongs to it. */
  #afterCr = false;
  /** The previous chunk ended on a CR inside quotes: an LF first in this chunk is not another line. */
  #afterQuotedCr = false;
  /** The previous chunk ended on a quote inside quotes: doubled or closing, as the next one says. */
  #afterQuote = false;
  #stopped = false;

  constructor(
    delimiter: string,
    quote: string,
    firstLine: number,
    onRecord: (record: string, line: number, unterminated: boolean) => boolean | undefined,
  ) {
    this.#d = delimiter.charCodeAt(0);
    this.#q = quote.charCodeAt(0);
    this.#line = firstLine;
    this.#startLine = firstLine;
    this.#onRecord = onRecord;
  }

  #emit(text: string, unterminated: boolean): void {
    const record = this.#parts.length === 0 ? text : this.#parts.join('') + text;
    this.#parts = [];
    this.#open = false;
    if (this.#onRecord(record, this.#startLine, unterminated) === false) this.#stopped = true;
  }

  write(text: string): void {
    const n = text.length;
    if (this.#stopped || n === 0) return;
    const d = this.#d;
    const q = this.#q;
    let i = 0;
    let start = 0;
    if (this.#afterCr) {
      this.#afterCr = false;
      if (text.charCodeAt(0) === LF) i = start = 1;
    } else if (this.#afterQuotedCr) {
      this.#afterQuotedCr = false;
      this.#open = true;
      if (text.charCodeAt(0) === LF) i = 1;
    } else if (this.#afterQuote) {
      this.#afterQuote = false;
      this.#open = true;
      if (text.charCodeAt(0) === q) i = 1;
      else this.#inQuotes = false;
    }
    while (i < n) {
      const c = text.charCodeAt(i);
      if (this.#inQuotes) {
        this.#open = true;
        if (c === q) {
          if (i + 1 === n) this.#afterQuote = true;
          else if (text.charCodeAt(i + 1) === q) i++;
          else this.#inQuotes = false;
        } else if (c === LF) this.#line++;
        else if (c === CR) {
          this.#line++;
          if (i + 1 === n) this.#afterQuotedCr = true;
          else if (text.charCodeAt(i + 1) === LF) i++;
        }
        i++;
        continue;
      }
      if (c === LF || c === CR) {
        this.#emit(text.slice(start, i), false);
        if (this.#stopped) return;
        this.#line++;
        if (c === CR && i + 1 === n) this.#afterCr = true;
        i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
        start = i;
        this.#startLine = this.#line;
        this.#fieldStart = true;
        continue;
      }
      this.#open = true;
      if (c === q && this.#fieldStart) this.#inQuotes = true;
      this.#fieldStart = c === d;
      i++;
    }
    if (start < n) {
      this.#parts.push(text.slice(start));
      this.#open = true;
    }
  }

  /** The end of the text: the last record, when it has no line end. */
  end(): void {
    if (this.#stopped || !this.#open) return;
    // A quote as the very last character closes its value.
    if (this.#afterQuote) this.#inQuotes = false;
    this.#emit('', this.#inQuotes);
  }
}

/** Line numbers, packed: a file of millions of rows needs its lines only when DuckDB lost one. */
class LineList {
  #values = new Uint32Array(1024);
  length = 0;
  push(line: number): void {
    if (this.length === this.#values.length) {
      const grown = new Uint32Array(this.#values.length * 2);
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#values[this.length++] = line;
  }
  *[Symbol.iterator](): IterableIterator<number> {
    for (let i = 0; i < this.length; i++) yield this.#values[i]!;
  }
}

/** Writes text to a file in large pieces. */
class TextFile {
  #fd: number;
  #pending: string[] = [];
  #pendingLength = 0;

  constructor(path: string) {
    this.#fd = openSync(path, 'w');
  }

  write(text: string): void {
    this.#pending.push(text);
    this.#pendingLength += text.length;
    if (this.#pendingLength >= 1024 * 1024) this.flush();
  }

  flush(): void {
    if (this.#pending.length > 0) writeSync(this.#fd, this.#pending.join(''), null, 'utf8');
    this.#pending = [];
    this.#pendingLength = 0;
  }

  close(): void {
    this.#pending = [];
    this.#pendingLength = 0;
    if (this.#fd >= 0) closeSync(this.#fd);
    this.#fd = -1;
  }
}

/**
 * The start of a text is kept while the dialect is not decided. A file whose first records are very
 * long (a quote opened early and never closed) is decided on this much of it, so memory stays bounded.
 */
const MAX_PREFIX_CHARS = 4 * 1024 * 1024;

/**
 * The decoded text of a CSV, as it arrives: the start is kept until the dialect is decided, then each
 * data record goes to the scratch file.
 */
class CsvStager {
  readonly #expect: Expectation;
  readonly #type: TabularType;
  readonly #profile: Profile;
  readonly #encoding: string;
  readonly #file: TextFile;
  #prefix = '';
  #searchedAt = 0;
  #scanner: RecordScanner | undefined;
  decision: Decision;
  lines = new LineList();
  unterminated: number | undefined;

  constructor(expect: Expectation, type: TabularType, profile: Profile, encoding: string, path: string) {
    this.#expect = expect;
    this.#type = type;
    this.#profile = profile;
    this.#encoding = encoding;
    this.#file = new TextFile(path);
  }

  write(text: string): void {
    if (this.#scanner) {
      this.#scanner.write(text);
      return;
    }
    if (this.decision) return;
    this.#prefix += text;
    // Searched again each time the start has doubled: a header far down costs linear time, not quadratic.
    if (this.#prefix.length >= 2 * this.#searchedAt) this.#decide(this.#prefix.length >= MAX_PREFIX_CHARS);
  }

  #decide(atEnd: boolean): void {
    this.#searchedAt = this.#prefix.length;
    const decision = decideDialect(
      this.#prefix,
      this.#expect,
      this.#type,
      this.#profile,
      atEnd,
      this.#encoding,
    );
    if (!decision) return;
    this.decision = decision;
    const prefix = this.#prefix;
    this.#prefix = '';
    if (!decision.ok) return;
    const { delimiter, quote, header } = decision.chosen;
    const blank = blankPattern(delimiter);
    this.#scanner = new RecordScanner(delimiter, quote, header!.line, (record, line, unterminated) => {
      if (blank.test(record)) return true;
      this.lines.push(line);
      if (unterminated) {
        this.unterminated = line;
        return false;
      }
      this.#file.write(`${line}${delimiter}${/\r/.test(record) ? record.replace(/\r\n?/g, '\n') : record}\n`);
      return true;
    });
    this.#scanner.write(prefix.slice(header!.end));
  }

  /** The end of the text. */
  end(): void {
    if (!this.decision) this.#decide(true);
    this.#scanner?.end();
    this.#file.flush();
  }

  close(): void {
    this.#file.close();
  }
}

/**
 * Reads a CSV file into the batch's table: its encoding, then its dialect and header, then its records
 * (see the module comment). A file that is no text, is blank, has no header in any allowed dialect or in
 * two of them is rejected with the reason; a file that is read carries the facts of how.
 */
export async function readCsv(
  ref: FileRef,
  target: StageTarget,
  path: string,
  expect: Expectation,
  type: TabularType,
  profile: Profile,
): Promise<Staged> {
  const detected = await detectEncoding(path);
  if (!detected.ok) return { ok: false, reason: detected.reason };
  const dir = mkdtempSync(join(tmpdir(), 'rijm-csv-'));
  try {
    const rows = join(dir, 'rows.csv');
    const stager = new CsvStager(expect, type, profile, encodingLabel(detected), rows);
    let decoded: Awaited<ReturnType<typeof decodeFile>>;
    try {
      decoded = await decodeFile(path, detected, (text) => stager.write(text));
      if (decoded.ok) stager.end();
    } finally {
      stager.close();
    }
    if (!decoded.ok) return { ok: false, reason: decoded.reason };
    if (decoded.blank) return { ok: false, reason: 'leeg bestand: er staat niets in' };
    const decision = stager.decision!;
    if (!decision.ok) return { ok: false, reason: decision.reason };
    const staged = await loadRows(ref, target, rows, decision.chosen, stager, type);
    if (!staged.ok) return staged;
    return { ...staged, dialect: [encodingFact(detected, expect.encoding), ...decision.facts] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The scratch file of data records → the batch's table, with every line accounted for. */
async function loadRows(
  ref: FileRef,
  target: StageTarget,
  path: string,
  chosen: HeaderTry,
  read: { lines: LineList; unterminated: number | undefined },
  type: TabularType,
): Promise<Staged> {
  const { delimiter, quote, header, fields, search } = chosen;
  const { lines, unterminated } = read;
  if (lines.length === 0) {
    return { ok: false, reason: `alleen een kopregel (regel ${header!.line}), geen gegevensregels` };
  }

  const db = ref.db;
  const columns = [`'l': 'VARCHAR'`, ...fields.map((_, i) => `${literal(`c${i}`)}: 'VARCHAR'`)].join(', ');
  const positions = search.match.positions;
  const select = columnSpecs[type]
    .map((c) => {
      const at = positions.get(c.name);
      return at === undefined ? `null::varchar as ${c.name}` : `c${at} as ${c.name}`;
    })
    .join(', ');
  // One statement per file: the rows go straight into the batch; the rejects tables are the file's own.
  const inserted = await db.one<{ Count: number }>(
    `drop table if exists tab_rejects; drop table if exists tab_reject_scans;
       insert into ${target.table} select ${target.file}, cast(l as integer) as line, ${select}
       from read_csv(${literal(path)},
        delim = ${literal(delimiter)}, quote = ${literal(quote)}, escape = ${literal(quote)},
        header = false, auto_detect = false, columns = {${columns}}, new_line = '\\n', encoding = 'utf-8',
        all_varchar = true, strict_mode = true, null_padding = false,
        store_rejects = true, rejects_table = 'tab_rejects', rejects_scan = 'tab_reject_scans')`,
  );
  const kept = Number(inserted?.Count ?? 0);

  const lineOf = `cast(regexp_extract(csv_line, '^([0-9]+)', 1) as bigint)`;
  const written = lines.length - (unterminated === undefined ? 0 : 1);
  // Every line kept (the usual file): nothing was rejected, and the rejects need no query.
  const tally =
    kept === written
      ? { rejects: 0, rejected: 0 }
      : await db.one<{ rejects: number; rejected: number }>(
          `select count(*) as rejects, count(distinct ${lineOf}) as rejected from tab_rejects`,
        );
  const rejected = Number(tally?.rejected ?? 0);
  const counts = `regexp_extract(error_message, 'Expected Number of Columns: ([0-9]+) Found: ([0-9]+)', ['e', 'f'])`;
  // Only when DuckDB rejected lines: an insert of nothing still costs a plan and a scan per file.
  if (Number(tally?.rejects ?? 0) > 0) {
    await db.run(
      `insert into meta.quarantine
       select $1, $2, $3, null, ${lineOf}, null, null, null,
         case when error_type in ('TOO MANY COLUMNS', 'MISSING COLUMNS') then 'regel_velden'
              when error_type = 'UNQUOTED VALUE' then 'regel_aanhalingsteken'
              else 'regel_onleesbaar' end,
         case when error_type in ('TOO MANY COLUMNS', 'MISSING COLUMNS')
                then 'De regel heeft ' || (cast(${counts}.f as integer) - 1) || ' velden, de kopregel '
                  || (cast(${counts}.e as integer) - 1)
                  || ' (een scheidingsteken of regeleinde in een waarde zonder aanhalingstekens?).'
              when error_type = 'UNQUOTED VALUE'
                then 'Tekst direct na een afsluitend aanhalingsteken; een aanhalingsteken binnen een waarde moet dubbel ("").'
              else 'De regel kan niet gelezen worden (' || error_type || ').' end,
         null
       from (select distinct on (${lineOf}, error_type) * from tab_rejects)`,
      [ref.deliveryId, ref.gemeente, ref.fileName],
    );
  }
  let lost = 0;
  if (unterminated !== undefined) {
    lost++;
    await insertLineFault(
      ref,
      unterminated,
      'regel_aanhalingsteken',
      'Een aanhalingsteken wordt niet afgesloten: de rest van het bestand is als één waarde gelezen.',
    );
  }
  if (kept + rejected !== written) {
    // Rows DuckDB neither kept nor rejected: quarantined by line, so nothing is lost unseen.
    await db.run('create or replace temp table tab_lines (line integer)');
    await db.appendRows(
      'tab_lines',
      [...lines].filter((l) => l !== unterminated).map((l) => [l]),
    );
    const missing = await db.all<{ line: number }>(
      `select line from tab_lines
       except select line from ${target.table} where file = ${target.file}
       except select ${lineOf} from tab_rejects order by line`,
    );
    for (const m of missing) {
      await insertLineFault(ref, m.line, 'regel_onleesbaar', 'De regel kan niet gelezen worden.');
    }
    lost += missing.length;
    await db.run('drop table tab_lines');
  }
  return { ok: true, rowsRead: lines.length, quarantinedBefore: rejected + lost, dialect: [] };
}

async function insertLineFault(ref: FileRef, line: number, rule: string, reason: string): Promise<void> {
  await ref.db.run(
    'insert into meta.quarantine values ($1, $2, $3, null, $4, null, null, null, $5, $6, null)',
    [ref.deliveryId, ref.gemeente, ref.fileName, line, rule, reason],
  );
}
