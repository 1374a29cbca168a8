// Builds small ONNX graphs in memory (onnx-proto encodes the protobuf) for tests of decoders whose
// real model files are not available here (RetinaFace-R50, ArcFace-R50/MBF): same input/output
// names and shapes as the real files, with outputs we choose so the decoded result is known.
import onnxProto, { type onnx as OnnxTypes } from 'onnx-proto';

const { onnx } = onnxProto;

type Dim = number | string;
const FLOAT = onnx.TensorProto.DataType.FLOAT;

export function valueInfo(name: string, dims: Dim[]): OnnxTypes.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export function floatTensor(name: string, dims: number[], values: ArrayLike<number>): OnnxTypes.ITensorProto {
  return { name, dims, dataType: FLOAT, floatData: Array.from(values) };
}

export function node(op: string, inputs: string[], outputs: string[], attrs: OnnxTypes.IAttributeProto[] = []): OnnxTypes.INodeProto {
  return { opType: op, input: inputs, output: outputs, name: `${op}_${outputs[0]}`, attribute: attrs };
}

export const intAttr = (name: string, i: number): OnnxTypes.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INT, i });

export interface GraphSpec {
  inputs: { name: string; dims: Dim[] }[];
  outputs: { name: string; dims: Dim[] }[];
  nodes: OnnxTypes.INodeProto[];
  initializers?: OnnxTypes.ITensorProto[];
}

export function buildModel(g: GraphSpec): Uint8Array {
  const model: OnnxTypes.IModelProto = {
    irVersion: 7,
    producerName: 'screenalytics-test',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'test',
      input: g.inputs.map((i) => valueInfo(i.name, i.dims)),
      output: g.outputs.map((o) => valueInfo(o.name, o.dims)),
      node: g.nodes,
      initializer: g.initializers ?? [],
    },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

/**
 * A graph whose named outputs are fixed tensors, each added to 0 × mean(input) so the input is
 * genuinely consumed (a graph that ignores its input would hide a wrong input name or shape).
 */
export function constantOutputsModel(
  input: { name: string; dims: Dim[] },
  outputs: { name: string; dims: number[]; values: ArrayLike<number> }[],
): Uint8Array {
  const nodes: OnnxTypes.INodeProto[] = [
    node('ReduceMean', [input.name], ['mean_all'], [intAttr('keepdims', 0)]),
    node('Mul', ['mean_all', 'zero'], ['zero_from_input']),
  ];
  const inits = [floatTensor('zero', [], [0])];
  for (const o of outputs) {
    inits.push(floatTensor(`${o.name}__const`, o.dims, o.values));
    nodes.push(node('Add', [`${o.name}__const`, 'zero_from_input'], [o.name]));
  }
  return buildModel({ inputs: [input], outputs: outputs.map((o) => ({ name: o.name, dims: o.dims })), nodes, initializers: inits });
}
