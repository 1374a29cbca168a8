// The artifact registry: each file of an episode the store reads and `validate` checks, once — its
// path (shared/layout.ts), format, the stage that writes it, and the schema of a row (JSONL) or of the
// document (JSON) for this episode. EpisodeArtifacts (artifacts.ts), validateEpisode (validate.ts) and
// the orchestrator's output check all iterate it.
import { z } from 'zod';
import {
  cleanupReportSchema,
  detectionSchema,
  embeddingsMetaSchema,
  faceSchema,
  identitiesDocSchema,
  trackMetricsSchema,
  trackSchema,
} from '../../shared/schema';
import { screentimeDocSchema } from '../../shared/schema/screentime';
import type { EpisodePaths } from '../../shared/layout';

export type ArtifactFormat = 'jsonl' | 'json' | 'npy';
/** Who writes the file: a pipeline stage, cleanup, the screen-time export or the review service. */
export type Writer = 'detect' | 'track' | 'harvest' | 'pool' | 'cluster' | 'cleanup' | 'screentime' | 'review';

/** A schema that also insists the value's ep_id is this episode's. */
export function forEpisode<S extends z.ZodType<{ ep_id: string }>>(schema: S, epId: string) {
  return schema.superRefine((v, ctx) => {
    if (v.ep_id !== epId) ctx.addIssue({ code: 'custom', path: ['ep_id'], message: `is "${v.ep_id}" but this is episode "${epId}"` });
  });
}

function identitiesForEpisode(epId: string) {
  return identitiesDocSchema.superRefine((doc, ctx) => {
    if (doc.metadata.ep_id !== epId) {
      ctx.addIssue({ code: 'custom', path: ['metadata', 'ep_id'], message: `is "${doc.metadata.ep_id}" but this is episode "${epId}"` });
    }
  });
}

interface Spec<S> {
  /** Key of its path in EpisodePaths (shared/layout.ts). */
  path: keyof EpisodePaths;
  format: ArtifactFormat;
  writtenBy: readonly Writer[];
  /** Row (JSONL) or document (JSON) schema of episode `epId`; `dim` is the embedding dimension. */
  schema: S;
  /** Not a pipeline output: listed in a validate report only when the file exists. */
  optional?: true;
}

const noSchema = () => null;

/** The pipeline's artifacts (spec §1), in the order validate reports them. */
export const ARTIFACTS = {
  detections: { path: 'detections', format: 'jsonl', writtenBy: ['detect'], schema: (epId: string) => forEpisode(detectionSchema, epId) },
  tracks: { path: 'tracks', format: 'jsonl', writtenBy: ['track', 'harvest', 'cleanup'], schema: (epId: string) => forEpisode(trackSchema, epId) },
  trackMetrics: { path: 'trackMetrics', format: 'json', writtenBy: ['harvest', 'cleanup'], schema: (epId: string) => forEpisode(trackMetricsSchema, epId) },
  faces: { path: 'faces', format: 'jsonl', writtenBy: ['harvest', 'cleanup'], schema: (_epId: string, dim: number) => faceSchema(dim) },
  facesNpy: { path: 'facesNpy', format: 'npy', writtenBy: ['harvest', 'cleanup'], schema: noSchema },
  embeddingsMeta: { path: 'embeddingsMeta', format: 'json', writtenBy: ['harvest', 'pool', 'cleanup'], schema: (epId: string) => forEpisode(embeddingsMetaSchema, epId) },
  trackEmbeddingsNpy: { path: 'trackEmbeddingsNpy', format: 'npy', writtenBy: ['pool', 'cleanup'], schema: noSchema },
  identities: { path: 'identities', format: 'json', writtenBy: ['cluster', 'cleanup', 'review'], schema: identitiesForEpisode },
  cleanupReport: { path: 'cleanupReport', format: 'json', writtenBy: ['cleanup'], schema: (epId: string) => forEpisode(cleanupReportSchema, epId) },
} as const satisfies Record<string, Spec<unknown>>;

/** Files validate checks beyond the pipeline's artifacts, when present (their readers live elsewhere). */
export const EXTRA_FILES = {
  screentime: { path: 'screentimeJson', format: 'json', writtenBy: ['screentime'], schema: (epId: string) => forEpisode(screentimeDocSchema, epId), optional: true },
  journal: { path: 'reviewJournal', format: 'jsonl', writtenBy: ['review'], schema: noSchema, optional: true },
} as const satisfies Record<string, Spec<unknown>>;

export type ArtifactKind = keyof typeof ARTIFACTS;
/** A JSON document or JSONL row of `K` as a writer accepts it (schema input: defaulted fields may be omitted). */
export type ArtifactInput<K extends ArtifactKind> = z.input<NonNullable<ReturnType<(typeof ARTIFACTS)[K]['schema']>>>;
export type ExtraKind = keyof typeof EXTRA_FILES;
export const ARTIFACT_KINDS = Object.keys(ARTIFACTS) as ArtifactKind[];

/** The artifacts a pipeline stage writes (what the orchestrator validates after it). */
export function writtenBy(stage: Writer): ArtifactKind[] {
  return ARTIFACT_KINDS.filter((k) => (ARTIFACTS[k].writtenBy as readonly Writer[]).includes(stage));
}
