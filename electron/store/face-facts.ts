// faces.jsonl without its embeddings: the fields review needs (which track, which frame and box, crop, quality,
// rejection). Validating 512 floats per row again on every open would cost seconds on a long episode;
// the pipeline validated them on write and `screenalytics validate` checks them fully. Embeddings are
// read from the .npy files instead.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { bboxSchema } from '../../shared/schema/common';
import { StoreError, zodIssues } from './errors';

const faceFactsSchema = z.looseObject({
  face_id: z.string(),
  track_id: z.string(),
  frame_idx: z.number().int().nonnegative(),
  bbox: bboxSchema,
  quality_score: z.number(),
  crop_path: z.string().default(''),
  rejection_reason: z.string().optional(),
});
export type FaceFacts = z.output<typeof faceFactsSchema>;

// The embedding array is ~90% of each line: cutting it out before JSON.parse is what keeps opening a
// long episode quick (docs/DECISIONS.md).
const EMBEDDING_RE = /"embedding"\s*:\s*\[[^\]]*\]/;

/** faces.jsonl rows with only the fields review needs; errors name the file and line. */
export async function* readFaceFacts(path: string): AsyncGenerator<FaceFacts> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    let json: unknown;
    try {
      json = JSON.parse(text.replace(EMBEDDING_RE, '"embedding":null'));
    } catch (err) {
      throw new StoreError({ file: path, line, message: `not valid JSON (${(err as Error).message})` });
    }
    const r = faceFactsSchema.safeParse(json);
    if (!r.success) throw new StoreError(zodIssues(path, r.error, () => line));
    yield r.data;
  }
}
