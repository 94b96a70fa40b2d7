/**
 * Loads one iJw message (a loose XML file or one zip member): streaming read, checks with precise element
 * paths, the XSD verdict, pseudonymised rows appended in batches, and quarantine for what is rejected.
 *
 * A bad header or client rejects the message (all its products); a bad product rejects that product; a JW323
 * Client with a bad BSN rejects its Prestaties. A message that is not well-formed, truncated, has a DOCTYPE
 * or is not iJw 3.2 is rejected whole and leaves no rows.
 */
import type { Warehouse } from '../../lib/db.js';
import type { Gemeente } from '../../lib/gemeenten.js';
import { pseudonymise, type SecretKey } from '../../lib/pseudonym.js';
import type { DeliveredFile, LoadContext, LoadOutcome, QuarantineEntry } from '../types.js';
import { checkValue, type Field, type MessageSpec, type Values } from './messages.js';
import { readMessage, type Scope, Unreadable } from './parse.js';
import { postcode4 } from './rules.js';
import { validateXsd, type XsdError } from './xsd.js';

/** Messages up to this size are also validated against the XSD (they are held in memory for it). */
export const XSD_MAX_BYTES = 8 * 1024 * 1024;
const BATCH_ROWS = 2048;

/** Parts of the client that hold personal data: their text is never read, their XSD errors do not count. */
const personal = new Set([
  'Naam',
  'Relaties',
  'Relatie',
  'Contactgegevens',
  'Contact',
  'Commentaar',
  'Communicatie',
]);

/**
 * Collects checked rows of many messages (the members of a zip) and appends them per table in large
 * batches: one appender per batch instead of one per message.
 */
export class RowSink {
  readonly #db: Warehouse;
  readonly #batch: number;
  readonly #rows = new Map<string, unknown[][]>();

  constructor(db: Warehouse, batch = 8192) {
    this.#db = db;
    this.#batch = batch;
  }

  async add(table: string, rows: unknown[][]): Promise<void> {
    let list = this.#rows.get(table);
    if (!list) {
      list = [];
      this.#rows.set(table, list);
    }
    for (const row of rows) list.push(row);
    if (list.length >= this.#batch) await this.#write(table);
  }

  async flush(): Promise<void> {
    for (const table of this.#rows.keys()) await this.#write(table);
  }

  /** Forgets rows not yet written (the zip they came from is refused). */
  discard(): void {
    this.#rows.clear();
  }

  async #write(table: string): Promise<void> {
    const list = this.#rows.get(table);
    if (!list || list.length === 0) return;
    this.#rows.set(table, []);
    await this.#db.appendRows(table, list);
  }
}

export interface MessageTarget {
  deliveryId: string;
  memberName: string | null;
  /** The message's bytes, once or more (streamed each time). */
  open: () => AsyncIterable<Buffer>;
  size: number;
  /** Where the rows go when the message is accepted; without it they are appended at once. */
  sink?: RowSink;
}

/** The outcome of one message, with the raw table its rows went to. */
export type MessageOutcome = LoadOutcome & { table?: string };

/** One message to examine; nothing in it touches the database, so it can run on a worker thread. */
export interface MessageInput {
  gemeente: Gemeente;
  key: SecretKey;
  deliveryId: string;
  memberName: string | null;
  size: number;
  /** The message's bytes, once or more (streamed each time). */
  open: () => AsyncIterable<Buffer>;
}

/** What a message gave: its outcome, the rows to append to `outcome.table`, and its quarantine. */
export interface Examined {
  outcome: MessageOutcome;
  rows: unknown[][];
  quarantine: QuarantineEntry[];
}

/**
 * Where the rows of a message too large to keep in memory go while it is read (it has no XSD verdict, so
 * its rows can be written before its end). A message kept in memory never uses it.
 */
export interface RowStream {
  append(table: string, rows: unknown[][]): Promise<number>;
  /** Removes every row written for this delivery (the message turned out to be rejected). */
  remove(table: string): Promise<void>;
}

const keepCache = new Map<MessageSpec, { message: Set<string>; group: Set<string>; product: Set<string> }>();

function keepSets(spec: MessageSpec) {
  let sets = keepCache.get(spec);
  if (!sets) {
    sets = {
      message: new Set([
        ...spec.messageFields.map((f) => f.path),
        'Client/Contactgegevens/Contact/Soort',
        'Client/Contactgegevens/Contact/Adres/Postcode',
      ]),
      group: new Set(spec.group?.fields.map((f) => f.path) ?? []),
      product: new Set(spec.productFields.map((f) => f.path)),
    };
    keepCache.set(spec, sets);
  }
  return sets;
}

function isPersonalPath(path: string): boolean {
  return path.split('/').some((part) => personal.has(part.replace(/\[[0-9]+\]$/, '')));
}

/** The value to show in quarantine: never a BSN, nothing from the personal parts, at most 200 characters. */
function shownValue(path: string, text: string | null): string | null {
  if (text === null) return null;
  if (/\/Bsn$/.test(path)) return '[bsn]';
  if (isPersonalPath(path)) return null;
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

interface Checked {
  values: Values;
  problems: QuarantineEntry[];
}

function checkScope(scope: Scope, fields: Field[], base: string, memberName: string | null): Checked {
  const values: Values = new Map();
  const problems: QuarantineEntry[] = [];
  for (const f of fields) {
    const got = scope.fields.get(f.path);
    const path = got?.path || `${base}/${f.path}`;
    if (got === undefined || got.text === '') {
      const needed = f.required && (!f.within || scope.seen.has(f.within));
      if (needed) {
        problems.push({
          memberName,
          elementPath: path,
          column: f.path.split('/').pop() ?? f.path,
          value: null,
          rule: 'verplicht',
          reason:
            got === undefined
              ? `verplicht element ${f.path} ontbreekt${f.requiredBecause ? `: ${f.requiredBecause}` : ''}`
              : `verplicht element ${f.path} is leeg`,
        });
      }
      continue;
    }
    const r = checkValue(f.kind, got.text);
    if (r.ok) values.set(f.path, r.value);
    else {
      problems.push({
        memberName,
        elementPath: path,
        column: f.path.split('/').pop() ?? f.path,
        value: shownValue(path, got.text),
        rule: r.problem.rule,
        reason: r.problem.reason,
      });
    }
  }
  return { values, problems };
}

/** Tees the chunks into `into` while reading, so the XSD can validate the same bytes afterwards. */
async function* collecting(chunks: AsyncIterable<Buffer>, into: Buffer[] | null): AsyncIterable<Buffer> {
  for await (const chunk of chunks) {
    into?.push(chunk);
    yield chunk;
  }
}

/**
 * Reads, checks and pseudonymises one message. Rows come back to the caller, except for a message larger
 * than XSD_MAX_BYTES, whose rows go to `stream` as they are read (such a message needs one).
 */
export async function examineMessage(target: MessageInput, stream?: RowStream): Promise<Examined> {
  const gemeente = target.gemeente;
  const withXsd = target.size <= XSD_MAX_BYTES;
  if (!withXsd && !stream) throw new Error('a message larger than XSD_MAX_BYTES needs a row stream');
  const bytes: Buffer[] | null = withXsd ? [] : null;
  const quarantine: QuarantineEntry[] = [];
  let spec: MessageSpec | undefined;
  let messageValues: Values | undefined;
  let messageRejected = false;
  let clientId: string | null = null;
  let groupClientId: string | null = null;
  let groupRejected = false;
  let seq = 0;
  let read = 0;
  let quarantined = 0;
  let flushed = 0;
  let pending: { seq: number; row: unknown[] }[] = [];
  /** Product path → seq, and the seqs of each JW323 Client, for placing XSD errors. */
  const productSeq = new Map<string, number>();
  const groupSeqs = new Map<string, number[]>();
  const handRejected = new Set<number>();
  const keys = new Map<number, string | null>();

  const flush = async () => {
    if (!spec || pending.length === 0) return;
    flushed += await (stream as RowStream).append(
      spec.table,
      pending.map((p) => p.row),
    );
    pending = [];
  };
  const discardFlushed = async () => {
    if (spec && flushed > 0) {
      await (stream as RowStream).remove(spec.table);
      flushed = 0;
    }
  };
  const member = target.memberName;

  let recognisedCode: string | null = null;
  try {
    const { recognised } = await readMessage(
      collecting(target.open(), bytes),
      (s) => {
        spec = s;
        return keepSets(s);
      },
      {
        async drain() {
          if (!withXsd && !messageRejected && pending.length >= BATCH_ROWS) await flush();
        },
        messageReady(scope) {
          if (!spec) return;
          const checked = checkScope(scope, spec.messageFields, '/Bericht', member);
          const problems = checked.problems;
          const headerGemeente = checked.values.get(`Header/${spec.gemeenteIn}`);
          if (typeof headerGemeente === 'string' && headerGemeente !== gemeente.ijwCode) {
            problems.push({
              memberName: member,
              elementPath:
                scope.fields.get(`Header/${spec.gemeenteIn}`)?.path ?? `/Bericht/Header/${spec.gemeenteIn}`,
              column: spec.gemeenteIn,
              value: headerGemeente,
              rule: 'gemeente_andere_inbox',
              reason: `gemeente ${headerGemeente} in de header (${spec.gemeenteIn}) is niet de gemeente van deze map (${gemeente.ijwCode} ${gemeente.naam})`,
            });
          }
          const identificatie = checked.values.get('Header/BerichtIdentificatie/Identificatie');
          for (const p of problems) p.recordKey = typeof identificatie === 'string' ? identificatie : null;
          quarantine.push(...problems);
          messageRejected = problems.length > 0;
          checked.values.set('postcode4', postcode4(scope.fields.get('postcode')?.text));
          messageValues = checked.values;
          const bsn = checked.values.get('Client/Bsn');
          clientId = typeof bsn === 'string' ? pseudonymise(target.key, bsn) : null;
        },
        groupReady(scope) {
          if (!spec?.group) return;
          const checked = checkScope(scope, spec.group.fields, scope.path, member);
          groupRejected = checked.problems.length > 0;
          if (!messageRejected) quarantine.push(...checked.problems);
          const bsn = checked.values.get('Bsn');
          groupClientId = typeof bsn === 'string' ? pseudonymise(target.key, bsn) : null;
          groupSeqs.set(scope.path, []);
        },
        product(scope, group) {
          if (!spec || !messageValues) return;
          seq++;
          read++;
          if (withXsd) productSeq.set(scope.path, seq);
          if (group) groupSeqs.get(group.path)?.push(seq);
          if (messageRejected || (group && groupRejected)) {
            quarantined++;
            handRejected.add(seq);
            return;
          }
          const checked = checkScope(scope, spec.productFields, scope.path, member);
          const broken = checked.problems.length === 0 ? spec.productRules?.(checked.values) : undefined;
          if (broken) {
            const [field, rule, reason] = broken;
            const got = scope.fields.get(field);
            checked.problems.push({
              memberName: member,
              elementPath: got?.path ?? `${scope.path}/${field}`,
              column: field.split('/').pop() ?? field,
              value: got?.text ?? null,
              rule,
              reason,
            });
          }
          const key = scope.fields.get(spec.recordKey)?.text ?? null;
          keys.set(seq, key);
          if (checked.problems.length > 0) {
            for (const p of checked.problems) {
              p.line = seq;
              p.recordKey = key;
            }
            quarantine.push(...checked.problems);
            quarantined++;
            handRejected.add(seq);
            return;
          }
          pending.push({
            seq,
            row: spec.row({
              gemeente: gemeente.cbsCode,
              clientId: group ? groupClientId : clientId,
              message: messageValues,
              group: undefined,
              product: checked.values,
              seq,
              deliveryId: target.deliveryId,
            }),
          });
        },
      },
    );
    recognisedCode = recognised.kind === 'load' ? recognised.spec.code : recognised.code;
    if (recognised.kind === 'skip') {
      return {
        outcome: {
          result: 'overgeslagen',
          reason: `${recognised.code} wordt herkend maar niet gebruikt door de monitor: geteld en overgeslagen`,
          messageCode: recognised.code,
          recordsRead: 1,
          recordsLoaded: 0,
          recordsQuarantined: 0,
          recordsSkipped: 1,
        },
        rows: [],
        quarantine: [],
      };
    }
  } catch (error) {
    await discardFlushed();
    if (!(error instanceof Unreadable)) throw error;
    return {
      outcome: {
        result: 'afgewezen',
        reason: error.reason,
        messageCode: recognisedCode ?? spec?.code ?? null,
        recordsRead: 0,
        recordsLoaded: 0,
        recordsQuarantined: 0,
        recordsSkipped: 0,
      },
      rows: [],
      quarantine: [],
    };
  }
  const s = spec as MessageSpec;

  // The XSD verdict: errors outside the personal parts reject their product, or the message when they are
  // not inside a product. What the checks above rejected already is not reported twice.
  if (bytes && !messageRejected) {
    const flagged = new Set(quarantine.map((q) => q.elementPath));
    const messageErrors: XsdError[] = [];
    const productErrors = new Map<number, XsdError[]>();
    for (const e of validateXsd(s.code.toLowerCase(), Buffer.concat(bytes))) {
      if (isPersonalPath(e.path) || flagged.has(e.path)) continue;
      if (e.expected.length > 0 && e.expected.every((n) => personal.has(n))) continue;
      const seqs = seqsOf(e.path, productSeq, groupSeqs);
      if (seqs === null) messageErrors.push(e);
      else {
        for (const n of seqs) {
          if (handRejected.has(n)) continue;
          productErrors.set(n, [...(productErrors.get(n) ?? []), e]);
        }
      }
    }
    const entry = (e: XsdError, line: number | null, key: string | null): QuarantineEntry => ({
      memberName: member,
      line,
      elementPath: e.path,
      column:
        e.path
          .split('/')
          .pop()
          ?.replace(/\[[0-9]+\]$/, '') ?? null,
      value: shownValue(e.path, e.value),
      rule: e.rule,
      reason: e.reason,
      recordKey: key,
    });
    if (messageErrors.length > 0) {
      messageRejected = true;
      quarantine.push(...messageErrors.map((e) => entry(e, null, null)));
      quarantined = read;
      pending = [];
    } else if (productErrors.size > 0) {
      for (const [n, errors] of productErrors) {
        quarantine.push(...errors.map((e) => entry(e, n, keys.get(n) ?? null)));
        quarantined++;
      }
      pending = pending.filter((p) => !productErrors.has(p.seq));
    }
  }
  if (messageRejected) {
    await discardFlushed();
    pending = [];
    quarantined = read;
  }
  // A streamed message writes its last rows itself; a message kept in memory hands them back.
  if (!withXsd) await flush();
  const loaded = read - quarantined;
  return {
    outcome: {
      result: quarantine.length === 0 ? 'geladen' : loaded > 0 ? 'deels_afgewezen' : 'afgewezen',
      reason: messageRejected
        ? 'bericht afgewezen: de header of de client voldoet niet (zie quarantaine)'
        : quarantine.length > 0 && loaded === 0
          ? 'alle producten afgewezen (zie quarantaine)'
          : null,
      messageCode: s.code,
      table: s.table,
      recordsRead: read,
      recordsLoaded: loaded,
      recordsQuarantined: quarantined,
      recordsSkipped: 0,
    },
    rows: pending.map((p) => p.row),
    quarantine,
  };
}

/** Loads one message in this thread: examines it, then appends its rows (to `target.sink` when given). */
export async function loadMessage(
  file: DeliveredFile,
  ctx: LoadContext,
  target: MessageTarget,
): Promise<MessageOutcome> {
  const { outcome, rows, quarantine } = await examineMessage(
    { ...target, gemeente: file.gemeente, key: ctx.key },
    {
      append: (table, batch) => ctx.db.appendRows(table, batch),
      remove: async (table) => {
        await ctx.db.run(`delete from ${table} where delivery_id = $1`, [target.deliveryId]);
      },
    },
  );
  await writeRows(ctx.db, outcome.table, rows, target.sink);
  ctx.quarantine(quarantine);
  return outcome;
}

/** Appends the rows of an examined message, to `sink` when given. */
export async function writeRows(
  db: Warehouse,
  table: string | undefined,
  rows: unknown[][],
  sink?: RowSink,
): Promise<void> {
  if (!table || rows.length === 0) return;
  if (sink) await sink.add(table, rows);
  else await db.appendRows(table, rows);
}

/** The products an XSD error belongs to: one product, all products of a JW323 Client, or null (the message). */
function seqsOf(
  path: string,
  productSeq: Map<string, number>,
  groupSeqs: Map<string, number[]>,
): number[] | null {
  for (let p = path; p.includes('/'); p = p.slice(0, p.lastIndexOf('/'))) {
    const n = productSeq.get(p);
    if (n !== undefined) return [n];
    const g = groupSeqs.get(p);
    if (g) return g;
  }
  return null;
}

/** Examines a message held in memory (at most XSD_MAX_BYTES). */
export function examineBytes(
  gemeente: Gemeente,
  key: SecretKey,
  job: { bytes: Buffer; deliveryId: string; memberName: string | null },
): Promise<Examined> {
  return examineMessage({
    gemeente,
    key,
    deliveryId: job.deliveryId,
    memberName: job.memberName,
    size: job.bytes.length,
    open: async function* () {
      yield job.bytes;
    },
  });
}
