// The one ONNX graph builder: a small typed front for onnx-proto (the generated protobufjs encoder for
// onnx.proto) — nodes, initialisers and graph inputs/outputs, encoded into a ModelProto. Used by the
// TFJS → ONNX converter that builds the default pack (models/convert), by the similarity matrices the
// clustering and cast suggestions hand to onnxruntime, and by the stand-in models of tests. Initialisers
// use raw_data and nothing time-dependent goes into the model, so the same graph always encodes to the
// same bytes.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export type AttrValue = number | string | number[] | { floats: number[] } | { float: number };

const FLOAT = 1;
const INT32 = 6;
const INT64 = 7;

export class OnnxGraphBuilder {
  private nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  private inits: InstanceType<typeof onnx.TensorProto>[] = [];
  private inputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  private outputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  private used = new Set<string>();
  private counter = 0;

  /** A fresh tensor name derived from `base`, unique in the graph. */
  unique(base: string): string {
    let name = base;
    while (this.used.has(name)) name = `${base}__${++this.counter}`;
    this.used.add(name);
    return name;
  }

  node(opType: string, inputs: string[], outputs: string[], attrs: Record<string, AttrValue> = {}, name?: string): void {
    const attribute = Object.keys(attrs)
      .sort()
      .map((k) => encodeAttr(k, attrs[k]));
    this.nodes.push(onnx.NodeProto.create({ opType, input: inputs, output: outputs, name: name ?? outputs[0], attribute }));
  }

  /** Adds one op with a single fresh output and returns that output's name. */
  op(opType: string, inputs: string[], base: string, attrs: Record<string, AttrValue> = {}): string {
    const out = this.unique(base);
    this.node(opType, inputs, [out], attrs);
    return out;
  }

  floatInit(base: string, dims: number[], data: Float32Array): string {
    return this.init(base, dims, FLOAT, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }

  int64Init(base: string, values: number[]): string {
    const buf = Buffer.alloc(values.length * 8);
    values.forEach((v, i) => buf.writeBigInt64LE(BigInt(v), i * 8));
    return this.init(base, [values.length], INT64, buf);
  }

  int32Init(base: string, dims: number[], data: Int32Array): string {
    return this.init(base, dims, INT32, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }

  private init(base: string, dims: number[], dataType: number, raw: Buffer): string {
    const name = this.unique(base);
    // Copy: the source typed array may be reused by the caller.
    this.inits.push(onnx.TensorProto.create({ name, dims, dataType, rawData: Uint8Array.from(raw) }));
    return name;
  }

  input(name: string, dims: (number | string)[]): void {
    this.used.add(name);
    this.inputs.push(valueInfo(name, dims));
  }

  output(name: string, dims?: (number | string)[]): void {
    this.outputs.push(valueInfo(name, dims));
  }

  /** The ModelProto bytes; `producer` names what built the graph (the converter pins its own). */
  encode(graphName: string, docString: string, producer = 'screenalytics', opset = 13): Uint8Array {
    const graph = onnx.GraphProto.create({
      name: graphName,
      node: this.nodes,
      initializer: this.inits,
      input: this.inputs,
      output: this.outputs,
    });
    const model = onnx.ModelProto.create({
      irVersion: 7,
      opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: opset })],
      producerName: producer,
      producerVersion: '1',
      docString,
      graph,
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

/**
 * A·Bᵀ as a Transpose + MatMul graph, output `s` (B = A when `b` is omitted). For unit rows this is
 * the cosine similarity matrix, which onnxruntime's multithreaded SGEMM computes several times faster
 * than a JS loop (bench/cluster.bench.ts). Rows are the dimension `rows` of each input, columns `d`.
 */
export function similarityModel(graphName: string, a: { name: string; rows: string }, b?: { name: string; rows: string }): Uint8Array {
  const g = new OnnxGraphBuilder();
  const right = b ?? a;
  g.input(a.name, [a.rows, 'd']);
  if (b) g.input(b.name, [b.rows, 'd']);
  const transposed = g.op('Transpose', [right.name], `${right.name}t`, { perm: [1, 0] });
  g.node('MatMul', [a.name, transposed], ['s']);
  g.output('s', [a.rows, right.rows]);
  return g.encode(graphName, 'similarity matrix of unit rows');
}

/** A tensor shape: numbers are fixed sizes, strings named dynamic dimensions. */
export function tensorShape(dims: (number | string)[]) {
  return { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) };
}

/** A float tensor's graph input / output description. */
export function valueInfo(name: string, dims?: (number | string)[]) {
  return onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: FLOAT, shape: dims ? tensorShape(dims) : undefined } } });
}

function encodeAttr(name: string, v: AttrValue) {
  const A = onnx.AttributeProto.AttributeType;
  if (typeof v === 'number') return onnx.AttributeProto.create({ name, type: A.INT, i: v });
  if (typeof v === 'string') return onnx.AttributeProto.create({ name, type: A.STRING, s: Buffer.from(v, 'utf8') });
  if (Array.isArray(v)) return onnx.AttributeProto.create({ name, type: A.INTS, ints: v });
  if ('floats' in v) return onnx.AttributeProto.create({ name, type: A.FLOATS, floats: v.floats });
  return onnx.AttributeProto.create({ name, type: A.FLOAT, f: v.float });
}
