// Small ONNX models built in memory (electron/models/onnx-graph.ts) for tests of decoders whose real
// model files are not available here (RetinaFace-R50, ArcFace-R50/MBF): same input/output names and
// shapes as the real files, with outputs we choose so the decoded result is known.
import { OnnxGraphBuilder } from '../electron/models/onnx-graph';

type Dim = number | string;

/**
 * A graph whose named outputs are fixed tensors, each added to 0 × mean(input) so the input is
 * genuinely consumed (a graph that ignores its input would hide a wrong input name or shape).
 */
export function constantOutputsModel(
  input: { name: string; dims: Dim[] },
  outputs: { name: string; dims: number[]; values: ArrayLike<number> }[],
): Uint8Array {
  const g = new OnnxGraphBuilder();
  g.input(input.name, input.dims);
  const mean = g.op('ReduceMean', [input.name], 'mean_all', { keepdims: 0 });
  const zero = g.op('Mul', [mean, g.floatInit('zero', [], Float32Array.of(0))], 'zero_from_input');
  for (const o of outputs) {
    const constant = g.floatInit(`${o.name}__const`, o.dims, Float32Array.from(o.values));
    g.node('Add', [constant, zero], [o.name]);
    g.output(o.name, o.dims);
  }
  return g.encode('test', 'constant outputs', 'screenalytics-test');
}

/** ArcFace-signature stand-in: GlobalAveragePool → Flatten → MatMul(W 3×512). */
export function arcfaceStandIn(input: string, output: string, w: Float32Array): Uint8Array {
  const g = new OnnxGraphBuilder();
  g.input(input, ['None', 3, 112, 112]);
  const pooled = g.op('GlobalAveragePool', [input], 'pooled');
  const flat = g.op('Flatten', [pooled], 'flat', { axis: 1 });
  g.node('MatMul', [flat, g.floatInit('W', [3, 512], w)], [output]);
  g.output(output, ['None', 512]);
  return g.encode('test', 'ArcFace stand-in', 'screenalytics-test');
}
