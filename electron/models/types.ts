// The two interfaces the pipeline uses; every model pack (default, InsightFace, YuNet…) implements them.

/** A decoded video frame or photo: tightly packed RGB, 3 bytes per pixel, row-major. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** One face found by a detector, in the pixel coordinates of the image it was given. */
export interface RawDetection {
  /** [x1, y1, x2, y2] in pixels. */
  bbox: [number, number, number, number];
  /** Five [x, y] points in pixels, flattened: left eye, right eye, nose tip, left mouth corner, right mouth corner.
   *  "Left" is the subject's left as the spec orders them in the image (ArcFace template order): the point with the
   *  smaller x in an upright frontal face comes first. */
  landmarks: number[];
  /** Confidence in [0, 1]. */
  conf: number;
}

export interface FaceDetector {
  readonly modelId: string;
  /** Detector family name recorded in track_metrics.json `detector` (e.g. "blazeface+facemesh", "scrfd", "yunet"). */
  readonly family: string;
  /** [width, height] the detector resizes frames to: the decoder delivers frames at most this big
   *  (scaled inside ffmpeg), so no full-resolution frame crosses the pipe or gets resized in JS. */
  readonly inputSize?: readonly [number, number];
  /** Batched: one result array per input image. */
  detect(images: RgbImage[], opts?: { minConfidence?: number; minFaceSize?: number }): Promise<RawDetection[][]>;
  /** Measures the five landmarks again for known boxes, on a sharper (full-resolution) image. */
  refineLandmarks?(image: RgbImage, boxes: readonly (readonly number[])[]): Promise<number[][]>;
  dispose(): Promise<void>;
}

export interface FaceEmbedder {
  readonly modelId: string;
  readonly dim: number;
  /** Side of the square aligned crop the embedder wants (112 for ArcFace-style). */
  readonly inputSize: number;
  /** The five points (ArcFace order) in its input crop's pixels when it was trained on another
   *  alignment than ArcFace's template (dlib's face chip); undefined: the ArcFace template. */
  readonly alignTemplate?: readonly number[];
  /** Batched: aligned RGB crops of inputSize × inputSize in, L2-normalised Float32Array(dim) out. */
  embed(aligned: RgbImage[]): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

export type DeviceRequest = 'auto' | 'cpu' | 'cuda' | 'dml' | 'coreml';

export interface LoadedPack {
  id: string;
  detector: FaceDetector;
  embedder: FaceEmbedder;
  /** Calibrated default cosine-similarity threshold for clustering track embeddings. */
  defaultClusterThresh: number;
  /** Execution provider that actually ran ("cpu", "cuda", …), and a warning when the request fell back. */
  device: string;
  deviceWarning?: string;
  /** Every warning raised while loading (device fallback, user file with an unknown hash), for the UI/log. */
  warnings?: string[];
}
