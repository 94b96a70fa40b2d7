/**
 * Reads the municipalities' profiles (profiles/<GM code>.json) and validates them with the zod `Profile`.
 * A bad profile is an operational error naming the file and every bad field.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Profile } from '../../schemas/profile.js';
import { RijmError } from './errors.js';
import { profilesDir } from './paths.js';

/** Parses one profile file; throws RijmError naming the file and the fields that are wrong. */
export function readProfile(path: string): Profile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new RijmError(`profile ${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = Profile.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new RijmError(`profile ${path} is invalid: ${issues}`);
  }
  return parsed.data;
}

/** Every profile in `dir`, by CBS code. The file name must be the profile's own gemeente code. */
export function loadProfiles(dir: string = profilesDir): Map<string, Profile> {
  const profiles = new Map<string, Profile>();
  if (!existsSync(dir)) return profiles;
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const profile = readProfile(join(dir, file));
    if (file !== `${profile.gemeente}.json`) {
      throw new RijmError(
        `profile ${join(dir, file)} is invalid: gemeente is ${profile.gemeente}, expected the file to be named ${profile.gemeente}.json`,
      );
    }
    profiles.set(profile.gemeente, profile);
  }
  return profiles;
}
