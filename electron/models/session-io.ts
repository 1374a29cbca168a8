// Checks a loaded ONNX session against what its manifest promises (input/output names, fixed
// dimensions), so a wrong file fails at load time with the file's name instead of mid-episode.
import type * as ort from 'onnxruntime-node';

type Dim = number | string;

export function tensorShape(session: ort.InferenceSession, name: string, kind: 'input' | 'output'): Dim[] | undefined {
  const list = kind === 'input' ? session.inputMetadata : session.outputMetadata;
  const m = list.find((v) => v.name === name);
  return m && m.isTensor ? [...m.shape] : undefined;
}

/** Throws `<file>: …` unless the session has the input and all outputs named. */
export function requireNames(session: ort.InferenceSession, file: string, input: string, outputs: string[]): void {
  if (!session.inputNames.includes(input)) {
    throw new Error(`${file}: model has no input "${input}" (it has ${session.inputNames.map((n) => `"${n}"`).join(', ')})`);
  }
  const missing = outputs.filter((o) => !session.outputNames.includes(o));
  if (missing.length) {
    throw new Error(
      `${file}: model has no output ${missing.map((n) => `"${n}"`).join(', ')} (it has ${session.outputNames.map((n) => `"${n}"`).join(', ')})`,
    );
  }
}

/** Throws when a fixed dimension of `name` contradicts `expected` (null = any). Symbolic dims pass. */
export function requireShape(
  session: ort.InferenceSession,
  file: string,
  name: string,
  kind: 'input' | 'output',
  expected: (number | null)[],
  what: string,
): void {
  const shape = tensorShape(session, name, kind);
  if (!shape) return;
  const bad =
    shape.length !== expected.length ||
    expected.some((e, i) => e !== null && typeof shape[i] === 'number' && shape[i] !== e && shape[i] !== -1);
  if (bad) {
    throw new Error(
      `${file}: ${kind} "${name}" has shape [${shape.join(',')}], expected [${expected.map((e) => e ?? '?').join(',')}] (${what})`,
    );
  }
}

export function outputData(results: ort.InferenceSession.OnnxValueMapType, name: string, file: string): { data: Float32Array; dims: readonly number[] } {
  const t = results[name];
  if (!t) throw new Error(`${file}: run produced no output "${name}"`);
  if (t.type !== 'float32') throw new Error(`${file}: output "${name}" is ${t.type}, expected float32`);
  return { data: t.data as Float32Array, dims: t.dims };
}

/** Reorders 5 landmarks from the model's order to the canonical (left eye, right eye, nose, mouth left, mouth right). */
export function landmarkPermutation(order: readonly string[]): number[] | null {
  const canonical = ['left_eye', 'right_eye', 'nose', 'mouth_left', 'mouth_right'];
  if (order.every((o, i) => o === canonical[i])) return null;
  return canonical.map((c) => order.indexOf(c));
}

export function clipBox(b: number[], w: number, h: number): [number, number, number, number] {
  return [
    Math.min(Math.max(b[0], 0), w),
    Math.min(Math.max(b[1], 0), h),
    Math.min(Math.max(b[2], 0), w),
    Math.min(Math.max(b[3], 0), h),
  ];
}
