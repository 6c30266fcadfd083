// "Did you mean": the nearest header name by optimal-string-alignment (Damerau–Levenshtein)
// distance, with case, spaces and underscores ignored, so `Fare` finds `fare` and `pickupzone`
// finds `pickup zone`. Twenty lines of our own rather than a dependency.

export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.length][b.length];
}

const fold = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, '');

/** The closest name within distance 2 (after folding), or undefined. Ties go to header order. */
export function didYouMean(name: string, candidates: readonly string[]): string | undefined {
  const target = fold(name);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const distance = editDistance(target, fold(c));
    if (distance < bestDistance) {
      best = c;
      bestDistance = distance;
    }
  }
  const limit = target.length <= 3 ? 1 : 2;
  return bestDistance <= limit ? best : undefined;
}
