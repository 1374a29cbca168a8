// Makes faceplugin's fr_detect.onnx (UltraFace RFB-320, the detector of faceplugin's own pipeline)
// run at any input size. The published graph decodes its boxes against 4,420 prior boxes baked in
// as constants for 320×240, which would cap the detector at a quarter of a 720p frame's width. The
// convolutional body is size-agnostic (its Reshapes take their shape from Shape ops), so we cut the
// graph before the prior decoding — outputs `scores` (softmax, [1,N,2]) and `loc` (raw regressions,
// [1,N,4]) — mark H and W dynamic, and decode the priors in JS for whatever size the detector runs at
// (electron/models/default/ultraface.ts, checked against the original graph at 320×240). The input
// becomes the frame's bytes (uint8 [1,H,W,3]); the graph normalises them itself.
import onnxProto from 'onnx-proto';
import { tensorShape, valueInfo } from '../../electron/models/onnx-graph';

const { onnx } = onnxProto;

/** Name of the concat of raw box regressions in fr_detect.onnx (before the prior decoding). */
export const ULTRAFACE_LOC_TENSOR = '462';

const FLOAT = 1;
const UINT8 = 2;

/**
 * Puts a uint8 NHWC input named `name` in front of the float NCHW one: Cast, − 127, × 1/128 (an
 * exact power of two, so the values equal the float path's), Transpose. onnxruntime does in one
 * vectorised pass what JavaScript otherwise does per frame before every run.
 */
function bytesFront(g: onnxProto.onnx.IGraphProto, name: string) {
  const inner = `${name}_nchw`;
  for (const n of g.node ?? []) n.input = (n.input ?? []).map((i) => (i === name ? inner : i));
  const scalar = (tensor: string, v: number) =>
    onnx.TensorProto.create({ name: tensor, dims: [], dataType: FLOAT, rawData: new Uint8Array(new Float32Array([v]).buffer) });
  g.initializer = [...(g.initializer ?? []), scalar('px_mean', 127), scalar('px_scale', 1 / 128)];
  const A = onnx.AttributeProto.AttributeType;
  g.node = [
    onnx.NodeProto.create({ opType: 'Cast', input: [name], output: [`${name}_f`], name: `${name}_f`, attribute: [onnx.AttributeProto.create({ name: 'to', type: A.INT, i: FLOAT })] }),
    onnx.NodeProto.create({ opType: 'Sub', input: [`${name}_f`, 'px_mean'], output: [`${name}_c`], name: `${name}_c` }),
    onnx.NodeProto.create({ opType: 'Mul', input: [`${name}_c`, 'px_scale'], output: [`${name}_n`], name: `${name}_n` }),
    onnx.NodeProto.create({ opType: 'Transpose', input: [`${name}_n`], output: [inner], name: inner, attribute: [onnx.AttributeProto.create({ name: 'perm', type: A.INTS, ints: [0, 3, 1, 2] })] }),
    ...(g.node ?? []),
  ];
  return onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: UINT8, shape: tensorShape([1, 'height', 'width', 3]) } } });
}

export function ultrafaceDynamic(bytes: Uint8Array, file = 'fr_detect.onnx'): Uint8Array {
  const model = onnx.ModelProto.decode(bytes);
  const g = model.graph;
  if (!g) throw new Error(`${file}: no graph`);
  const nodes = g.node ?? [];
  const scores = nodes.find((n) => n.output?.includes('scores'));
  const loc = nodes.find((n) => n.output?.includes(ULTRAFACE_LOC_TENSOR));
  if (!scores || !loc || loc.opType !== 'Concat') {
    throw new Error(`${file}: not the UltraFace graph this converter knows (no 'scores' / '${ULTRAFACE_LOC_TENSOR}' concat)`);
  }
  // Keep only nodes the two outputs need.
  const needed = new Set<string>(['scores', ULTRAFACE_LOC_TENSOR]);
  const keep: typeof nodes = [];
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i];
    if (!(n.output ?? []).some((o) => needed.has(o))) continue;
    keep.unshift(n);
    for (const inp of n.input ?? []) needed.add(inp);
  }
  const renamed = keep.map((n) => ({
    ...n,
    output: (n.output ?? []).map((o) => (o === ULTRAFACE_LOC_TENSOR ? 'loc' : o)),
    input: (n.input ?? []).map((o) => (o === ULTRAFACE_LOC_TENSOR ? 'loc' : o)),
  }));
  g.node = renamed.map((n) => onnx.NodeProto.create(n));
  g.initializer = (g.initializer ?? []).filter((t) => needed.has(t.name ?? ''));
  const input = g.input?.[0];
  if (!input?.type?.tensorType || !input.name) throw new Error(`${file}: graph input has no tensor type`);
  g.input = [bytesFront(g, input.name)];
  g.output = [valueInfo('scores', [1, 'anchors', 2]), valueInfo('loc', [1, 'anchors', 4])];
  g.valueInfo = [];
  return onnx.ModelProto.encode(model).finish();
}
