/**
 * Seeded randomness for the demo region. Every stream is derived from the seed and a label (a gemeente
 * code, a purpose), so adding draws in one place never shifts the numbers drawn elsewhere, and the same
 * seed always yields the same region.
 */

/** A deterministic random source (sfc32). */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks a key of `weights` with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K;
  /** Log-normal draw with the given median and log-scale sigma. */
  lognormal(median: number, sigma: number): number;
  /** A new independent stream for `label`. */
  fork(label: string): Rng;
}

function hashLabel(text: string): number {
  // FNV-1a: stable across platforms, enough spread to seed sfc32.
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Creates the random stream for `seed` and `label`. */
export function createRng(seed: number, label = ''): Rng {
  let a = hashLabel(`a${seed}:${label}`);
  let b = hashLabel(`b${seed}:${label}`);
  let c = hashLabel(`c${seed}:${label}`);
  let d = 1;
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  let spare: number | undefined;
  const normal = (): number => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const u = 1 - next();
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  const rng: Rng = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('Expected a non-empty list to pick from, got an empty one');
      return items[Math.floor(next() * items.length)] as T;
    },
    weighted: <K extends string>(weights: Readonly<Record<K, number>>): K => {
      const entries = Object.entries(weights) as [K, number][];
      const total = entries.reduce((s, [, w]) => s + w, 0);
      let x = next() * total;
      for (const [k, w] of entries) {
        x -= w;
        if (x < 0) return k;
      }
      return entries[entries.length - 1]![0];
    },
    lognormal: (median, sigma) => median * Math.exp(sigma * normal()),
    fork: (sub) => createRng(seed, `${label}/${sub}`),
  };
  return rng;
}
