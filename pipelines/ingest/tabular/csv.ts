/**
 * CSV → the batch's staging table (file, line + one VARCHAR per standard column), through DuckDB `read_csv`.
 *
 * The text (already decoded) is scanned once in JS, quote-aware, to find where each record starts: that
 * gives the physical line the user sees (a quoted line break makes a record span lines), finds the
 * header below title rows, detects the delimiter, and normalises CR-only and CRLF line ends. Each data
 * record is written to a scratch UTF-8 file with its line number as an extra first field, so rows that
 * `read_csv` keeps and rows it rejects (`store_rejects`) both carry their line. A record whose quote is
 * never closed swallows the rest of the file; it is quarantined here, as DuckDB would drop it silently.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Profile, TabularFormat } from '../../../schemas/profile.js';
import { literal } from '../../lib/db.js';
import { columnSpecs, type TabularType } from './columns.js';
import { findHeader, HEADER_SEARCH_ROWS, type HeaderSearch, missingColumnsReason } from './header.js';
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

interface HeaderFound {
  delimiter: string;
  search: HeaderSearch;
  /** The header record. */
  header: RecordSpan | undefined;
  fields: string[];
}

function searchHeader(
  text: string,
  delimiter: string,
  format: TabularFormat,
  type: TabularType,
  profile: Profile,
): HeaderFound {
  const blank = blankPattern(delimiter);
  const spans: RecordSpan[] = [];
  scanRecords(text, delimiter, format.quote, (r) => {
    if (format.headerRow !== undefined ? r.line <= format.headerRow : true) {
      if (!blank.test(text.slice(r.start, r.end))) spans.push(r);
    }
    return format.headerRow !== undefined ? r.line < format.headerRow : spans.length < HEADER_SEARCH_ROWS;
  });
  const rows = spans.map((r) => splitFields(text.slice(r.start, r.end), delimiter, format.quote));
  const search = findHeader(
    rows,
    spans.map((r) => r.line),
    type,
    profile,
    format.headerRow,
  );
  const header = search.index === undefined ? undefined : spans[search.index];
  return { delimiter, search, header, fields: search.index === undefined ? [] : rows[search.index]! };
}

/** Reads a decoded CSV text into the batch; a file without its header is rejected with the reason. */
export async function stageCsv(
  ref: FileRef,
  target: StageTarget,
  text: string,
  format: TabularFormat,
  type: TabularType,
  profile: Profile,
): Promise<Staged> {
  const candidates = format.delimiter === 'detect' ? [';', ',', '\t'] : [format.delimiter];
  const tries = candidates.map((d) => searchHeader(text, d, format, type, profile));
  const found = tries.find((t) => t.header !== undefined);
  if (!found?.header) {
    const best = [...tries].sort((a, b) => a.search.match.missing.length - b.search.match.missing.length)[0]!;
    return { ok: false, reason: missingColumnsReason(best.search, type, format.headerRow, 'regel') };
  }
  const { delimiter, header, fields } = found;
  const blank = blankPattern(delimiter);
  const chunks: string[] = [];
  const lines: number[] = [];
  let unterminated: number | undefined;
  scanRecords(text.slice(header.end), delimiter, format.quote, (r) => {
    const record = text.slice(header.end + r.start, header.end + r.end);
    const line = header.line + r.line - 1;
    if (blank.test(record)) return true;
    lines.push(line);
    if (r.unterminated) {
      unterminated = line;
      return false;
    }
    chunks.push(`${line}${delimiter}${/\r/.test(record) ? record.replace(/\r\n?/g, '\n') : record}\n`);
    return true;
  });
  if (lines.length === 0) {
    return { ok: false, reason: `alleen een kopregel (regel ${header.line}), geen gegevensregels` };
  }

  const db = ref.db;
  const columns = [`'l': 'VARCHAR'`, ...fields.map((_, i) => `${literal(`c${i}`)}: 'VARCHAR'`)].join(', ');
  const positions = found.search.match.positions;
  const select = columnSpecs[type]
    .map((c) => {
      const at = positions.get(c.name);
      return at === undefined ? `null::varchar as ${c.name}` : `c${at} as ${c.name}`;
    })
    .join(', ');
  const dir = mkdtempSync(join(tmpdir(), 'rijm-csv-'));
  let kept: number;
  try {
    const path = join(dir, 'rows.csv');
    writeFileSync(path, chunks.join(''), 'utf8');
    // One statement per file: the rows go straight into the batch; the rejects tables are the file's own.
    const inserted = await db.one<{ Count: number }>(
      `drop table if exists tab_rejects; drop table if exists tab_reject_scans;
       insert into ${target.table} select ${target.file}, cast(l as integer) as line, ${select}
       from read_csv(${literal(path)},
        delim = ${literal(delimiter)}, quote = ${literal(format.quote)}, escape = ${literal(format.quote)},
        header = false, auto_detect = false, columns = {${columns}}, new_line = '\\n', encoding = 'utf-8',
        all_varchar = true, strict_mode = true, null_padding = false,
        store_rejects = true, rejects_table = 'tab_rejects', rejects_scan = 'tab_reject_scans')`,
    );
    kept = Number(inserted?.Count ?? 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

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
      lines.filter((l) => l !== unterminated).map((l) => [l]),
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
  return { ok: true, rowsRead: lines.length, quarantinedBefore: rejected + lost };
}

async function insertLineFault(ref: FileRef, line: number, rule: string, reason: string): Promise<void> {
  await ref.db.run(
    'insert into meta.quarantine values ($1, $2, $3, null, $4, null, null, null, $5, $6, null)',
    [ref.deliveryId, ref.gemeente, ref.fileName, line, rule, reason],
  );
}
