import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { RijmError } from '../../pipelines/lib/errors.js';
import { memoryLogger } from '../../pipelines/lib/log.js';
import { loadKey, pseudonymise, rekeyForResearch, SecretKey } from '../../pipelines/lib/pseudonym.js';

const secret = 'a-secret-key-of-at-least-32-characters!!';

describe('pseudonym keys', () => {
  it('pseudonymises with HMAC-SHA256, stable per key and different across keys', () => {
    const a = new SecretKey(secret, 'pseudonym');
    const b = new SecretKey(`${secret}x`, 'pseudonym');
    expect(pseudonymise(a, '999900006')).toMatch(/^[0-9a-f]{64}$/);
    expect(pseudonymise(a, '999900006')).toBe(pseudonymise(a, '999900006'));
    expect(pseudonymise(a, '999900006')).not.toBe(pseudonymise(b, '999900006'));
    expect(pseudonymise(a, '999900006')).not.toContain('999900006');
  });

  it('re-keys for research so the two cannot be joined', () => {
    const op = new SecretKey(secret, 'pseudonym');
    const research = new SecretKey(`${secret}-research`, 'research');
    const p = pseudonymise(op, '999900006');
    expect(rekeyForResearch(research, p)).not.toBe(p);
    expect(rekeyForResearch(research, p)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('never shows the key value', () => {
    const key = new SecretKey(secret, 'pseudonym');
    expect(String(key)).not.toContain(secret);
    expect(JSON.stringify({ key })).not.toContain(secret);
    expect(inspect(key)).not.toContain(secret);
  });

  it('reads the key from the environment or a key file', () => {
    expect(loadKey('pseudonym', { env: { RIJM_PSEUDONYM_KEY: secret } }).isDemo).toBe(false);
    const file = join(mkdtempSync(join(tmpdir(), 'rijm-')), 'key');
    writeFileSync(file, `${secret}\n`);
    const fromFile = loadKey('pseudonym', { env: { RIJM_PSEUDONYM_KEY_FILE: file } });
    expect(pseudonymise(fromFile, '999900006')).toBe(
      pseudonymise(new SecretKey(secret, 'pseudonym'), '999900006'),
    );
  });

  it('refuses to run without a key outside the demo, and warns in the demo', () => {
    expect(() => loadKey('pseudonym', { env: {} })).toThrow(RijmError);
    expect(() => loadKey('pseudonym', { env: {} })).toThrow(/no pseudonym key: set RIJM_PSEUDONYM_KEY/);
    const log = memoryLogger();
    const demo = loadKey('pseudonym', { env: {}, demo: true, log });
    expect(demo.isDemo).toBe(true);
    expect(log.records.map((r) => r.event)).toEqual(['demo_key_in_use']);
  });

  it('refuses a short key and an unreadable key file, naming the variable', () => {
    expect(() => loadKey('research', { env: { RIJM_RESEARCH_KEY: 'short' } })).toThrow(
      /RIJM_RESEARCH_KEY is too short: expected at least 32 characters, got 5/,
    );
    expect(() => loadKey('pseudonym', { env: { RIJM_PSEUDONYM_KEY_FILE: '/nonexistent/key' } })).toThrow(
      /RIJM_PSEUDONYM_KEY_FILE/,
    );
  });
});
