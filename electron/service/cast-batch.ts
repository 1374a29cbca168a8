// Fast first suggestion pass for the cast library. shared/cast.ts scores one track at a time in JS
// (5,000 tracks × 2,000 references × 512-d ≈ 5·10⁹ multiply-adds, seconds of a blocked thread); here all
// of an episode's tracks go through one onnxruntime MatMul (multithreaded SGEMM, as cluster.ts does for
// the track × track matrix), and each person's references are capped to a diverse subset.
import * as ort from 'onnxruntime-node';
import { DEFAULT_TOP_K, pushTop, trackTopK, type PreparedCast, type TrackTopK } from '../../shared/cast';
import { dotAt, norm } from '../../shared/vec';
import { similarityModel } from '../models/onnx-graph';
import { defaultThreads } from '../models/providers';

/**
 * References kept per person when suggesting. A person labeled in many episodes gathers hundreds of
 * near-identical track embeddings; 64 spread-out ones cover the same looks (lighting, angle, make-up)
 * for the top-k (k = 3) score while bounding the work per track. Chosen by farthest-point sampling.
 */
export const MAX_REFS_PER_PERSON = 64;

/**
 * At most `max` of `embeddings` (original order kept): first the one most similar to the mean (the
 * person's typical look), then repeatedly the one least similar to everything already picked. Ties go
 * to the earlier reference, so the pick is deterministic. Hand-written: a few lines, no library needed.
 */
export function capReferences<T extends ArrayLike<number>>(embeddings: readonly T[], max = MAX_REFS_PER_PERSON): T[] {
  const m = embeddings.length;
  if (m <= max) return [...embeddings];
  const dim = embeddings[0].length;
  // Unit rows end to end: one typed buffer keeps the O(m · max · dim) loop tight.
  const u = new Float32Array(m * dim);
  embeddings.forEach((e, i) => unitRow(e, u, i * dim));
  const mean = new Float32Array(dim);
  for (let i = 0; i < m; i++) for (let j = 0; j < dim; j++) mean[j] += u[i * dim + j];
  let first = 0;
  let best = -Infinity;
  for (let i = 0; i < m; i++) {
    const s = dotAt(u, i * dim, mean, 0, dim);
    if (s > best) [best, first] = [s, i];
  }
  // closest[i] = highest similarity of i to any picked reference (Infinity once picked).
  const closest = new Float64Array(m).fill(-Infinity);
  const picked: number[] = [];
  let next = first;
  while (picked.length < max) {
    picked.push(next);
    closest[next] = Infinity;
    let far = -1;
    let farSim = Infinity;
    for (let i = 0; i < m; i++) {
      if (closest[i] === Infinity) continue;
      const s = dotAt(u, i * dim, u, next * dim, dim);
      if (s > closest[i]) closest[i] = s;
      if (closest[i] < farSim) [farSim, far] = [closest[i], i];
    }
    if (far < 0) break;
    next = far;
  }
  return picked.sort((a, b) => a - b).map((i) => embeddings[i]);
}

// Q·Rᵀ as a two-node ONNX graph (queries and references are both unit rows, so this is cosine).
let crossModel: Uint8Array | null = null;
function crossSimilarityModel(): Uint8Array {
  crossModel ??= similarityModel('cross_similarity', { name: 'q', rows: 'n' }, { name: 'r', rows: 'm' });
  return crossModel;
}

/** Below this many multiply-adds the JS loop is as quick as starting a session. */
export const ORT_MIN_WORK = 20_000_000;
/** Output values per MatMul call (64 MB of float32): a bigger episode runs in chunks of tracks. */
const MAX_OUTPUT = 16_000_000;

function unitRow(v: ArrayLike<number>, out: Float32Array, off: number): void {
  const n = norm(v);
  const inv = n > 0 ? 1 / n : 0;
  for (let i = 0; i < v.length; i++) out[off + i] = v[i] * inv;
}

/** Row-major n×m matrix q·rᵀ for `n` query rows and `m` reference rows of `dim`, with onnxruntime on CPU. */
export async function crossSimilarityOrt(q: Float32Array, n: number, r: Float32Array, m: number, dim: number): Promise<Float32Array> {
  if (q.length !== n * dim || r.length !== m * dim) throw new Error(`crossSimilarityOrt: expected ${n}×${dim} and ${m}×${dim} values`);
  const session = await ort.InferenceSession.create(crossSimilarityModel(), { executionProviders: ['cpu'], intraOpNumThreads: defaultThreads() });
  try {
    return (await session.run({ q: new ort.Tensor('float32', q, [n, dim]), r: new ort.Tensor('float32', r, [m, dim]) })).s.data as Float32Array;
  } finally {
    await session.release().catch(() => undefined);
  }
}

/**
 * trackTopK (shared/cast.ts) for many tracks at once, same result up to float32 rounding: one MatMul
 * per chunk of tracks against every reference, then each person's k best per row. Small inputs, and
 * any onnxruntime failure, take the JS path.
 */
export async function batchTrackTopK(
  embeddings: readonly ArrayLike<number>[],
  cast: PreparedCast,
  topK = DEFAULT_TOP_K,
  opts: { minWork?: number } = {},
): Promise<TrackTopK[]> {
  const k = Math.max(1, topK);
  const dim = cast.dim;
  const people = cast.people.filter((p) => p.count > 0);
  const m = people.reduce((s, p) => s + p.count, 0);
  const n = embeddings.length;
  const js = () => embeddings.map((e) => trackTopK(e, cast, k));
  if (n === 0 || m === 0 || dim <= 0 || n * m * dim < (opts.minWork ?? ORT_MIN_WORK)) return js();
  for (const e of embeddings) if (e.length !== dim) throw new Error(`embedding dimensions differ: ${e.length} vs ${dim}`);

  const refs = new Float32Array(m * dim);
  let off = 0;
  for (const p of people) {
    refs.set(p.refs.subarray(0, p.count * dim), off);
    off += p.count * dim;
  }
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(crossSimilarityModel(), { executionProviders: ['cpu'], intraOpNumThreads: defaultThreads() });
  } catch {
    return js();
  }
  try {
    const out: TrackTopK[] = [];
    const rTensor = new ort.Tensor('float32', refs, [m, dim]);
    const chunk = Math.max(1, Math.floor(MAX_OUTPUT / m));
    const top = new Float64Array(k);
    for (let start = 0; start < n; start += chunk) {
      const rows = Math.min(chunk, n - start);
      const q = new Float32Array(rows * dim);
      for (let i = 0; i < rows; i++) unitRow(embeddings[start + i], q, i * dim);
      const s = (await session.run({ q: new ort.Tensor('float32', q, [rows, dim]), r: rTensor })).s.data as Float32Array;
      for (let i = 0; i < rows; i++) {
        const row = new Map<string, number[]>();
        let col = i * m;
        for (const p of people) {
          let filled = 0;
          for (let r = 0; r < p.count; r++) filled = pushTop(top, filled, k, s[col + r]);
          row.set(p.person_id, Array.from(top.subarray(0, filled)));
          col += p.count;
        }
        out.push(row);
      }
    }
    return out;
  } catch {
    return js();
  } finally {
    await session.release().catch(() => undefined);
  }
}
