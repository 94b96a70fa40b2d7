/**
 * Which loader reads which file type. A type without a loader is refused with its reason.
 */
import { loadIjwFile } from './ijw/index.js';
import { loadClientbestand, loadUitkomsten } from './tabular/loader.js';
import type { FileType, Loader } from './types.js';

export const loaders: Partial<Record<FileType, Loader>> = {
  ijw: loadIjwFile,
  uitkomsten: loadUitkomsten,
  clientbestand: loadClientbestand,
};
