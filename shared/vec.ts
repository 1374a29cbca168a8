// Vector maths over embeddings (dot, cosine, unit length). Pure. The loops index typed arrays
// directly; `dotAt` is the variant for rows packed end to end in one buffer, with four accumulators
// so the hot loops of suggestion and sampling pipeline well.

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** a[ao … ao + dim) · b[bo … bo + dim) of two flat row buffers. */
export function dotAt(a: Float32Array, ao: number, b: Float32Array, bo: number, dim: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  const n = dim - (dim % 4);
  for (let i = 0; i < n; i += 4) {
    s0 += a[ao + i] * b[bo + i];
    s1 += a[ao + i + 1] * b[bo + i + 1];
    s2 += a[ao + i + 2] * b[bo + i + 2];
    s3 += a[ao + i + 3] * b[bo + i + 3];
  }
  for (let i = n; i < dim; i++) s0 += a[ao + i] * b[bo + i];
  return s0 + s1 + s2 + s3;
}

/** Euclidean length. */
export function norm(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

/** Cosine similarity; 0 when either vector is all zeros. Throws when the dimensions differ. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`embedding dimensions differ: ${a.length} vs ${b.length}`);
  let d = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na > 0 && nb > 0 ? d / Math.sqrt(na * nb) : 0;
}

/** Scales `v` to unit length in place and returns it (an all-zero vector stays zero). */
export function l2normalize<T extends Float32Array | Float64Array>(v: T): T {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const k = s > 0 ? 1 / Math.sqrt(s) : 0;
  for (let i = 0; i < v.length; i++) v[i] *= k;
  return v;
}

/** A unit-length float32 copy of `v`. */
export function unitCopy(v: ArrayLike<number>): Float32Array {
  return l2normalize(Float32Array.from(v));
}
