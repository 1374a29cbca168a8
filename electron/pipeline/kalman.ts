// The constant-velocity Kalman filter of SORT/DeepSORT/ByteTrack, state (cx, cy, a, h, vcx, vcy, va, vh)
// with a = w/h, noise scaled by box height exactly as ByteTrack's kalman_filter.py.
// Hand-written: no maintained JS ByteTrack exists, and an 8×8 filter does not justify a matrix library.

const STD_POS = 1 / 20;
const STD_VEL = 1 / 160;

export type Vec = number[];
export type Mat = number[][];

const zeros = (r: number, c: number): Mat => Array.from({ length: r }, () => new Array<number>(c).fill(0));

function mul(a: Mat, b: Mat): Mat {
  const out = zeros(a.length, b[0].length);
  for (let i = 0; i < a.length; i++)
    for (let k = 0; k < b.length; k++) {
      const v = a[i][k];
      if (v === 0) continue;
      for (let j = 0; j < b[0].length; j++) out[i][j] += v * b[k][j];
    }
  return out;
}

const transpose = (a: Mat): Mat => a[0].map((_, j) => a.map((row) => row[j]));

/** Gauss–Jordan inverse with partial pivoting (4×4 innovation covariances, always SPD here). */
function invert(m: Mat): Mat {
  const n = m.length;
  const a = m.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    [a[c], a[p]] = [a[p], a[c]];
    const d = a[c][c] || 1e-12;
    for (let j = 0; j < 2 * n; j++) a[c][j] /= d;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r][c];
      if (f !== 0) for (let j = 0; j < 2 * n; j++) a[r][j] -= f * a[c][j];
    }
  }
  return a.map((row) => row.slice(n));
}

export interface KalmanState {
  mean: Vec;
  cov: Mat;
}

export function initiate(measurement: Vec): KalmanState {
  const h = measurement[3];
  const std = [2 * STD_POS * h, 2 * STD_POS * h, 1e-2, 2 * STD_POS * h, 10 * STD_VEL * h, 10 * STD_VEL * h, 1e-5, 10 * STD_VEL * h];
  const cov = zeros(8, 8);
  std.forEach((s, i) => (cov[i][i] = s * s));
  return { mean: [...measurement, 0, 0, 0, 0], cov };
}

/** One step ahead; `freezeHeightVelocity` is ByteTrack's rule for tracks not currently matched. */
export function predict(s: KalmanState, freezeHeightVelocity: boolean): KalmanState {
  const mean = [...s.mean];
  if (freezeHeightVelocity) mean[7] = 0;
  const h = mean[3];
  const q = [STD_POS * h, STD_POS * h, 1e-2, STD_POS * h, STD_VEL * h, STD_VEL * h, 1e-5, STD_VEL * h];
  for (let i = 0; i < 4; i++) mean[i] += mean[i + 4];
  // F P Fᵀ with F = [[I, I], [0, I]]
  const P = s.cov;
  const cov = zeros(8, 8);
  for (let i = 0; i < 8; i++)
    for (let j = 0; j < 8; j++) {
      let v = P[i][j];
      if (i < 4) v += P[i + 4][j];
      if (j < 4) v += P[i][j + 4];
      if (i < 4 && j < 4) v += P[i + 4][j + 4];
      cov[i][j] = v;
    }
  for (let i = 0; i < 8; i++) cov[i][i] += q[i] * q[i];
  return { mean, cov };
}

export function update(s: KalmanState, z: Vec): KalmanState {
  const h = s.mean[3];
  const r = [STD_POS * h, STD_POS * h, 1e-1, STD_POS * h];
  const S = s.cov.slice(0, 4).map((row) => row.slice(0, 4));
  for (let i = 0; i < 4; i++) S[i][i] += r[i] * r[i];
  const PHt = s.cov.map((row) => row.slice(0, 4)); // 8×4
  const K = mul(PHt, invert(S)); // 8×4
  const innov = z.map((v, i) => v - s.mean[i]);
  const mean = s.mean.map((m, i) => m + K[i].reduce((acc, k, j) => acc + k * innov[j], 0));
  const KSKt = mul(mul(K, S), transpose(K));
  const cov = s.cov.map((row, i) => row.map((v, j) => v - KSKt[i][j]));
  return { mean, cov };
}

/** [x1, y1, x2, y2] → (cx, cy, w/h, h). */
export function toXyah(b: readonly number[]): Vec {
  const w = b[2] - b[0];
  const h = Math.max(1e-6, b[3] - b[1]);
  return [b[0] + w / 2, b[1] + h / 2, w / h, h];
}

export function toTlbr(mean: Vec): [number, number, number, number] {
  const h = mean[3];
  const w = mean[2] * h;
  return [mean[0] - w / 2, mean[1] - h / 2, mean[0] + w / 2, mean[1] + h / 2];
}
