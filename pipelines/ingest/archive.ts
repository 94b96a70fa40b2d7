/**
 * The archive keeps every delivered file's bytes by content hash (`archive/<aa>/<sha256>`), whatever
 * became of its contents, so nothing a municipality delivered is ever lost. Writes go to a temporary
 * file that is renamed into place, so a killed run never leaves half a file under a hash.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { chmod, copyFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../lib/private.js';

/** SHA-256 of a file, streamed. */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** The Dutch reason for a file that cannot be read, from the error opening or reading it. */
export function unreadableReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code ?? 'onbekende fout';
  return `bestand kan niet gelezen worden (${code}): geef RIJM leesrechten of lever het opnieuw`;
}

/**
 * The file's SHA-256, or why it cannot be read: hashing opens it anyway, so no separate open is needed
 * to find out whether it can be read.
 */
export async function hashOrProblem(path: string): Promise<{ sha256: string } | { problem: string }> {
  try {
    return { sha256: await hashFile(path) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Only a refusal to open or read is the file's problem; anything else is an operational failure.
    if (code === 'EACCES' || code === 'EPERM' || code === 'ENOENT' || code === 'EISDIR' || code === 'ELOOP')
      return { problem: unreadableReason(error) };
    throw error;
  }
}

export function archivePath(archiveDir: string, sha256: string): string {
  return join(archiveDir, sha256.slice(0, 2), sha256);
}

/**
 * Copies the file into the archive under its hash, unless it is there already. Returns its path. The
 * archive holds deliveries as they came, BSNs and all: its folders are 0700 and its files 0600 (see
 * pipelines/lib/private.ts), whatever the mode of the file in the inbox.
 */
export async function archiveFile(archiveDir: string, path: string, sha256: string): Promise<string> {
  const target = archivePath(archiveDir, sha256);
  if (existsSync(target)) return target;
  const fanOut = join(archiveDir, sha256.slice(0, 2));
  if (!existsSync(fanOut)) makePrivateDir(fanOut);
  // Unique per copy: two gemeenten read in parallel may deliver the same bytes at the same moment.
  const tmp = `${target}.tmp-${process.pid}-${randomUUID()}`;
  try {
    await copyFile(path, tmp);
    await chmod(tmp, PRIVATE_FILE_MODE);
    await rename(tmp, target);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  return target;
}

/** The stable id of a delivery: the same gemeente, name, member and bytes always give the same id. */
export function deliveryIdOf(
  gemeente: string,
  name: string,
  memberName: string | null,
  sha256: string,
): string {
  return createHash('sha256')
    .update(`${gemeente}\0${name}\0${memberName ?? ''}\0${sha256}`)
    .digest('hex')
    .slice(0, 32);
}
