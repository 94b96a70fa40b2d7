/**
 * Pseudonymisation of the BSN (delivery.md §5): HMAC-SHA256 with a secret key that is never stored with
 * the warehouse, never logged and never printed.
 *
 * The key comes from `RIJM_PSEUDONYM_KEY` (at least 32 characters) or from the file named by
 * `RIJM_PSEUDONYM_KEY_FILE`. Only the demo may run without one: it then uses a fixed, public demo key
 * and says so. The research file is re-keyed with a separate key (`RIJM_RESEARCH_KEY`, same rules).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { RijmError } from './errors.js';
import type { Logger } from './log.js';

export type KeyPurpose = 'pseudonym' | 'research';

const envNames: Record<KeyPurpose, { value: string; file: string }> = {
  pseudonym: { value: 'RIJM_PSEUDONYM_KEY', file: 'RIJM_PSEUDONYM_KEY_FILE' },
  research: { value: 'RIJM_RESEARCH_KEY', file: 'RIJM_RESEARCH_KEY_FILE' },
};

/** Public, well-known keys for the demo region only: pseudonyms made with them protect nothing. */
const demoKeys: Record<KeyPurpose, string> = {
  pseudonym: 'rijm-demo-pseudonym-key-not-for-real-data-0000',
  research: 'rijm-demo-research-key-not-for-real-data-00000',
};

export const MIN_KEY_LENGTH = 32;

/** A secret key. Its value is hidden from `JSON.stringify`, `String()` and `util.inspect`. */
export class SecretKey {
  readonly #value: Buffer;
  readonly purpose: KeyPurpose;
  readonly isDemo: boolean;

  constructor(value: string | Buffer, purpose: KeyPurpose, isDemo = false) {
    this.#value = Buffer.isBuffer(value) ? Buffer.from(value) : Buffer.from(value, 'utf8');
    this.purpose = purpose;
    this.isDemo = isDemo;
  }

  /** HMAC-SHA256 of `text` under this key, as 64 hex characters. */
  hmac(text: string): string {
    return createHmac('sha256', this.#value).update(text, 'utf8').digest('hex');
  }

  /**
   * The key as plain data, to hand to the ingest's worker threads (`SecretKey.fromTransfer` there). Only
   * for that: what it returns must never be logged or stored.
   */
  toTransfer(): { value: Uint8Array; purpose: KeyPurpose; isDemo: boolean } {
    return { value: new Uint8Array(this.#value), purpose: this.purpose, isDemo: this.isDemo };
  }

  static fromTransfer(t: { value: Uint8Array; purpose: KeyPurpose; isDemo: boolean }): SecretKey {
    return new SecretKey(Buffer.from(t.value), t.purpose, t.isDemo);
  }

  /** Whether `other` is the same secret (compared in constant time). */
  sameAs(other: SecretKey): boolean {
    const a = this.#value;
    const b = other.#value;
    return a.length === b.length && timingSafeEqual(a, b);
  }

  toString(): string {
    return `[SecretKey ${this.purpose}${this.isDemo ? ' (demo)' : ''}]`;
  }

  toJSON(): string {
    return this.toString();
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/**
 * Reads the key for `purpose` from the environment. Without one, `demo: true` gives the public demo key
 * (with a warning); otherwise it refuses to run.
 */
export function loadKey(
  purpose: KeyPurpose,
  options: { env?: NodeJS.ProcessEnv; demo?: boolean; log?: Logger } = {},
): SecretKey {
  const env = options.env ?? process.env;
  const names = envNames[purpose];
  let raw = env[names.value];
  let origin = names.value;
  const file = env[names.file];
  if (!raw && file) {
    try {
      raw = readFileSync(file, 'utf8').trim();
      origin = `${names.file} (${file})`;
    } catch (error) {
      throw new RijmError(`cannot read the ${purpose} key file named by ${names.file}: ${file}`, {
        cause: error,
      });
    }
  }
  if (raw) {
    if (raw.length < MIN_KEY_LENGTH) {
      throw new RijmError(
        `the ${purpose} key from ${origin} is too short: expected at least ${MIN_KEY_LENGTH} characters, got ${raw.length}`,
      );
    }
    return new SecretKey(raw, purpose);
  }
  if (options.demo) {
    options.log?.warn('demo_key_in_use', {
      purpose,
      message: `no ${names.value} set: using the public demo key; never use this for real deliveries`,
    });
    return new SecretKey(demoKeys[purpose], purpose, true);
  }
  throw new RijmError(
    `no ${purpose} key: set ${names.value} (at least ${MIN_KEY_LENGTH} characters) or ${names.file}; ` +
      'only the demo (--demo) runs without one',
  );
}

/**
 * Refuses a research key that is the pseudonym key: the research file is re-keyed so that its pseudonyms
 * cannot be joined to the operational warehouse, which one key for both would undo.
 */
export function assertDistinctKeys(pseudonymKey: SecretKey, researchKey: SecretKey): void {
  if (pseudonymKey.sameAs(researchKey)) {
    throw new RijmError(
      `the research key is the same as the pseudonym key: set ${envNames.research.value} (or ${envNames.research.file}) ` +
        `to a second secret of at least ${MIN_KEY_LENGTH} characters, so the research file cannot be joined to the warehouse`,
    );
  }
}

/** The client pseudonym for a BSN: the HMAC of its nine digits. */
export function pseudonymise(key: SecretKey, bsn: string): string {
  return key.hmac(`bsn:${bsn}`);
}

/** Re-keys an operational pseudonym for the research file, so the two cannot be joined. */
export function rekeyForResearch(researchKey: SecretKey, pseudonym: string): string {
  return researchKey.hmac(`client:${pseudonym}`);
}
