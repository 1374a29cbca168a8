// Reads a TensorFlow.js graph model (model.json + weight shards) into plain typed arrays.
// Hand-written because tfjs itself would pull its whole runtime into `npm install` just to read a
// JSON file and decode a few binary formats (float32, float16 and uint8/uint16 affine quantisation).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttr>;
}

export interface TfAttr {
  s?: string;
  i?: string;
  f?: number;
  b?: boolean;
  type?: string;
  list?: { i?: string[]; s?: string[]; f?: number[] };
  shape?: { dim?: { size: string }[] };
}

export interface TfConst {
  dtype: 'float32' | 'int32';
  shape: number[];
  data: Float32Array | Int32Array;
}

export interface TfGraph {
  file: string;
  nodes: TfNode[];
  weights: Map<string, TfConst>;
}

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; scale?: number; min?: number; original_dtype?: string };
}

interface ModelJson {
  format?: string;
  modelTopology?: { node?: TfNode[] };
  weightsManifest?: { paths: string[]; weights: WeightSpec[] }[];
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, float16: 2, uint8: 1, uint16: 2, bool: 1 };

/** IEEE half → float, exact (every half value is representable in float32). */
export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

function decodeWeight(spec: WeightSpec, buf: Buffer, offset: number, file: string): { value: TfConst; bytes: number } {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const q = spec.quantization;
  const stored = q ? q.dtype : spec.dtype;
  const width = BYTES[stored];
  if (!width) throw new Error(`${file}: weight "${spec.name}": unsupported dtype ${stored}`);
  const bytes = n * width;
  if (offset + bytes > buf.length) throw new Error(`${file}: weight "${spec.name}" runs past the end of the shard data`);
  const view = new DataView(buf.buffer, buf.byteOffset + offset, bytes);
  const dtype = spec.dtype === 'int32' ? 'int32' : 'float32';
  if (spec.dtype !== 'float32' && spec.dtype !== 'int32') {
    throw new Error(`${file}: weight "${spec.name}": unsupported dtype ${spec.dtype}`);
  }
  const data = dtype === 'int32' ? new Int32Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (!q) data[i] = dtype === 'int32' ? view.getInt32(i * 4, true) : view.getFloat32(i * 4, true);
    else if (q.dtype === 'float16') data[i] = halfToFloat(view.getUint16(i * 2, true));
    else if (q.dtype === 'uint8') data[i] = view.getUint8(i) * (q.scale ?? 1) + (q.min ?? 0);
    else if (q.dtype === 'uint16') data[i] = view.getUint16(i * 2, true) * (q.scale ?? 1) + (q.min ?? 0);
    else throw new Error(`${file}: weight "${spec.name}": unsupported quantisation ${q.dtype}`);
  }
  return { value: { dtype, shape: spec.shape, data }, bytes };
}

/** Loads model.json and its shards; every error names the file and the weight or node at fault. */
export function loadTfjsGraph(file: string): TfGraph {
  let json: ModelJson;
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as ModelJson;
  } catch (err) {
    throw new Error(`cannot read TFJS model ${file}: ${(err as Error).message}`);
  }
  if (json.format !== 'graph-model' || !json.modelTopology?.node) {
    throw new Error(`${file}: format "${json.format}" is not a TFJS graph model with modelTopology.node`);
  }
  return { file, nodes: json.modelTopology.node, weights: decodeManifest(json.weightsManifest ?? [], file) };
}

function decodeManifest(groups: { paths: string[]; weights: WeightSpec[] }[], file: string): Map<string, TfConst> {
  const weights = new Map<string, TfConst>();
  for (const group of groups) {
    const buf = Buffer.concat(group.paths.map((p) => readFileSync(join(dirname(file), p))));
    let offset = 0;
    for (const spec of group.weights) {
      const { value, bytes } = decodeWeight(spec, buf, offset, file);
      weights.set(spec.name, value);
      offset += bytes;
    }
  }
  return weights;
}

/** The weights of a bare TFJS weights manifest (`*-weights_manifest.json`: no graph, the network is
 *  defined in its package's code, as face-api ships its nets). */
export function loadTfjsWeights(file: string): Map<string, TfConst> {
  let groups: { paths: string[]; weights: WeightSpec[] }[];
  try {
    groups = JSON.parse(readFileSync(file, 'utf8')) as typeof groups;
  } catch (err) {
    throw new Error(`cannot read TFJS weights manifest ${file}: ${(err as Error).message}`);
  }
  if (!Array.isArray(groups)) throw new Error(`${file}: a weights manifest is a JSON array of {paths, weights}`);
  return decodeManifest(groups, file);
}

/** Concatenated shard bytes and specs, in the shape tfjs' `io.fromMemory` wants (for parity checks). */
export function readTfjsArtifacts(file: string): { modelTopology: unknown; weightSpecs: WeightSpec[]; weightData: ArrayBuffer } {
  const json = JSON.parse(readFileSync(file, 'utf8')) as ModelJson;
  const groups = json.weightsManifest ?? [];
  const data = Buffer.concat(groups.flatMap((g) => g.paths.map((p) => readFileSync(join(dirname(file), p)))));
  return {
    modelTopology: json.modelTopology,
    weightSpecs: groups.flatMap((g) => g.weights),
    weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer,
  };
}

export const attrString = (a: TfAttr | undefined): string | undefined =>
  a?.s === undefined ? undefined : Buffer.from(a.s, 'base64').toString('utf8');
export const attrInts = (a: TfAttr | undefined): number[] => (a?.list?.i ?? []).map(Number);
export const attrStrings = (a: TfAttr | undefined): string[] =>
  (a?.list?.s ?? []).map((s) => Buffer.from(s, 'base64').toString('utf8'));
