/** "Did you mean": the candidate closest to a mistyped word, when it is close enough to be meant. */

/** Edit distance with transpositions (optimal string alignment): `nigthly` is one step from `nightly`. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate meant by `word`: the only one it starts (`--pe` → `peildatum`), else the nearest within
 * a third of its length (at least one edit). Undefined when nothing is that close.
 */
export function closest(word: string, candidates: string[]): string | undefined {
  const lower = word.toLowerCase();
  const prefixed = candidates.filter((c) => c.startsWith(lower));
  if (lower.length >= 2 && prefixed.length === 1) return prefixed[0];
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(lower.length / 3));
  for (const c of candidates) {
    const distance = editDistance(lower, c);
    if (distance <= bestDistance && (best === undefined || distance < bestDistance)) {
      best = c;
      bestDistance = distance;
    }
  }
  return best;
}
