// Random helpers for synthetic episodes, benches and tests, on the seeded PRNG in shared/rng.ts.
import type { Rng } from '../../shared/rng';

export { makeRng, type Rng } from '../../shared/rng';

/** Standard normal via Box–Muller. */
export function gaussian(rng: Rng): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}

export function shuffle<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/**
 * `perId × ids` unit vectors in `dim` dimensions: identity centres drawn at random, members = centre +
 * Gaussian noise of std `noise` per coordinate, re-normalised. Returns the row-major matrix and truth.
 */
export function gaussianIdentities(rng: Rng, ids: number, perId: number, dim: number, noise: number) {
  const n = ids * perId;
  const vectors = new Float32Array(n * dim);
  const truth = new Int32Array(n);
  const centre = new Float64Array(dim);
  for (let c = 0; c < ids; c++) {
    for (let k = 0; k < dim; k++) centre[k] = gaussian(rng);
    const cn = Math.hypot(...centre);
    for (let m = 0; m < perId; m++) {
      const row = c * perId + m;
      truth[row] = c;
      let s = 0;
      const v = new Float64Array(dim);
      for (let k = 0; k < dim; k++) {
        v[k] = centre[k] / cn + noise * gaussian(rng);
        s += v[k] * v[k];
      }
      const norm = Math.sqrt(s);
      for (let k = 0; k < dim; k++) vectors[row * dim + k] = v[k] / norm;
    }
  }
  return { vectors, truth, n };
}
