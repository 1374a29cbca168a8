// A model pack manifest (models/packs/<id>.json): which files make up a pack, where they live, how
// to check them, and how to feed and decode each model. The loader (pack.ts) validates every pack
// against this schema before opening a single file, so a bad manifest names its field, not a crash.
import { readFileSync } from 'node:fs';
import { findNodeAtLocation, parse, parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { z } from 'zod';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lower-case hex digits');

/** One weight file of a pack. */
export const PackFileSchema = z
  .object({
    /** File name inside the pack's directory. */
    path: z.string().min(1),
    /** Required hash: a mismatch is an error. Always set for generated / bundled files. */
    sha256: sha256.optional(),
    /** Hashes this file is known to have when the user supplies it (e.g. InsightFace's releases).
     *  A user file with another hash still loads, with a warning, because users may hold re-exports. */
    knownSha256: z.array(sha256).optional(),
    /** Where the weights come from: an npm/pip package name, "user-supplied", or "generated". */
    source: z.string().min(1),
    /** Licence exactly as the origin states it ("none stated" when it states none). */
    licence: z.string().min(1),
    /** Human-readable origin: repository/release/URL the weights were published at. */
    origin: z.string().min(1),
    bytes: z.number().int().positive().optional(),
  })
  .strict();
export type PackFile = z.infer<typeof PackFileSchema>;

/** How an image becomes the model's input tensor: out = (px − mean) / std, per channel, in channelOrder. */
export const TensorInputSchema = z
  .object({
    name: z.string().min(1),
    /** [width, height] the image is resized to; detectors with dynamic inputs still run at a fixed size. */
    size: z.tuple([z.number().int().positive(), z.number().int().positive()]),
    layout: z.enum(['NCHW', 'NHWC']),
    channelOrder: z.enum(['RGB', 'BGR']),
    mean: z.tuple([z.number(), z.number(), z.number()]),
    std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]),
    /** letterbox: keep aspect, pad right/bottom (insightface's det_img layout); stretch: plain resize. */
    resize: z.enum(['letterbox', 'stretch']).default('letterbox'),
    /** uint8 (detectors, NHWC only; absent = float32): the model takes the pixels as bytes and normalises inside its
     *  graph (mean / std then describe what the graph does), so a frame ffmpeg already scaled goes in
     *  without a JavaScript pass over its pixels. */
    dtype: z.enum(['float32', 'uint8']).optional(),
  })
  .strict();
export type TensorInput = z.infer<typeof TensorInputSchema>;

export const LANDMARK_ORDER = ['left_eye', 'right_eye', 'nose', 'mouth_left', 'mouth_right'] as const;

export const DetectorSpecSchema = z
  .object({
    /** Decoder family: scrfd, retinaface (insightface output layout), yunet, blazeface-facemesh, … */
    kind: z.string().min(1),
    /** Key into `files`. */
    file: z.string().min(1),
    /** Further files the detector needs (e.g. {"facemesh": "facemesh"}), role → key into `files`. */
    extraFiles: z.record(z.string(), z.string()).optional(),
    input: TensorInputSchema,
    /** Output tensor names by role. SCRFD/RetinaFace: scores/boxes/kps, one name per stride, stride order.
     *  YuNet: cls/obj/bbox/kps per stride. Other kinds define their own roles. */
    outputs: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
    strides: z.array(z.number().int().positive()).optional(),
    anchorsPerCell: z.number().int().positive().optional(),
    scoreThreshold: z.number().min(0).max(1).default(0.5),
    nmsThreshold: z.number().min(0).max(1).default(0.4),
    /** Order of the model's 5 landmark outputs; the loader reorders to the ArcFace order above. */
    landmarkOrder: z.array(z.enum(LANDMARK_ORDER)).length(5).default([...LANDMARK_ORDER]),
    /** Kind-specific parameters the adapter validates itself. */
    params: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type DetectorSpec = z.infer<typeof DetectorSpecSchema>;

export const EmbedderSpecSchema = z
  .object({
    /** arcface: 5-point aligned crop in, one embedding out (MobileFaceNet, ArcFace-R50, …). */
    kind: z.string().min(1),
    file: z.string().min(1),
    input: TensorInputSchema.extend({ resize: z.enum(['letterbox', 'stretch']).default('stretch') }),
    output: z.string().min(1),
    dim: z.number().int().positive(),
    params: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type EmbedderSpec = z.infer<typeof EmbedderSpecSchema>;

export const PackLocationSchema = z.discriminatedUnion('kind', [
  /** Produced by a converter into models/generated/<pack id>/ (git-ignored). */
  z.object({ kind: z.literal('generated') }).strict(),
  /** A folder the user points the app to (setting `modelsDir`, CLI `--models-dir`). */
  z.object({ kind: z.literal('user') }).strict(),
  /** A fixed directory, relative to the repository root (used by the test-only eval pack). */
  z.object({ kind: z.literal('dir'), path: z.string().min(1) }).strict(),
]);
export type PackLocation = z.infer<typeof PackLocationSchema>;

export const PackManifestSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/, 'lower-case id: letters, digits, - _ .'),
    name: z.string().min(1),
    description: z.string().optional(),
    /** Test-only packs are loadable by id but not offered in settings. */
    testOnly: z.boolean().default(false),
    location: PackLocationSchema,
    files: z.record(z.string(), PackFileSchema),
    detector: DetectorSpecSchema,
    embedder: EmbedderSpecSchema,
    /** Cosine-similarity threshold for clustering track embeddings, calibrated for this embedder. */
    defaultClusterThresh: z.number().min(-1).max(1),
    /** How defaultClusterThresh was obtained (data, method, measured distributions). */
    calibration: z.string().min(1),
  })
  .strict()
  .superRefine((m, ctx) => {
    for (const i of crossIssues(m)) ctx.addIssue({ code: 'custom', path: i.path, message: i.message });
  });
export type PackManifest = z.infer<typeof PackManifestSchema>;

/** References between fields, checked on raw JSON too so they are reported alongside type errors. */
function crossIssues(raw: unknown): { path: string[]; message: string }[] {
  const out: { path: string[]; message: string }[] = [];
  if (typeof raw !== 'object' || raw === null) return out;
  const m = raw as Record<string, any>;
  const files = typeof m.files === 'object' && m.files !== null ? (m.files as Record<string, any>) : {};
  const refs: [string[], unknown][] = [
    [['detector', 'file'], m.detector?.file],
    [['embedder', 'file'], m.embedder?.file],
    ...Object.entries((m.detector?.extraFiles ?? {}) as Record<string, unknown>).map(([r, k]): [string[], unknown] => [['detector', 'extraFiles', r], k]),
  ];
  for (const [path, key] of refs) {
    if (typeof key === 'string' && !(key in files)) out.push({ path, message: `refers to "${key}", which is not in files` });
  }
  for (const [key, f] of Object.entries(files)) {
    if (f && typeof f === 'object' && f.source !== 'user-supplied' && !f.sha256) {
      out.push({ path: ['files', key, 'sha256'], message: 'required unless source is "user-supplied"' });
    }
  }
  return out;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Validates a parsed manifest; the error names the file and every bad field (with its line when `text` is given). */
export function parsePackManifest(json: unknown, fileName: string, text?: string): PackManifest {
  const r = PackManifestSchema.safeParse(json);
  if (r.success) return r.data;
  const tree = text === undefined ? undefined : parseTree(text);
  const where = (path: readonly PropertyKey[]) => {
    if (!tree || text === undefined) return '';
    for (let n = path.length; n >= 0; n--) {
      const node = findNodeAtLocation(tree, path.slice(0, n).filter((k): k is string | number => typeof k !== 'symbol'));
      if (node) return `line ${lineAt(text, node.offset)}: `;
    }
    return '';
  };
  const lines = r.error.issues.map((i) => `  ${where(i.path)}${i.path.join('.') || '(root)'}: ${i.message}`);
  for (const i of crossIssues(json)) {
    const line = `  ${where(i.path)}${i.path.join('.')}: ${i.message}`;
    if (!lines.includes(line)) lines.push(line);
  }
  throw new Error(`invalid pack manifest ${fileName}:\n${lines.join('\n')}`);
}

/** Reads and validates a manifest file. JSON syntax errors report the file, line and column. */
export function readPackManifest(file: string): PackManifest {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read pack manifest ${file}: ${(err as Error).message}`);
  }
  const errors: ParseError[] = [];
  const json: unknown = parse(text, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length) {
    const e = errors[0];
    const line = lineAt(text, e.offset);
    const col = e.offset - text.lastIndexOf('\n', e.offset - 1);
    throw new Error(`invalid JSON in pack manifest ${file} (line ${line}, column ${col}): ${printParseErrorCode(e.error)}`);
  }
  return parsePackManifest(json, file, text);
}
