// Writes the identities document and one square thumbnail per (re)computed identity.
// Thumbnail = the identity's best crop: its highest-quality accepted face that has a crop on disk
// (any face if none is accepted), resized to THUMB_SIZE² with sharp ("cover": crops are face-centred).
import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import sharp from 'sharp';
import type { Face, IdentitiesDoc } from '../../shared/schema';
import { episodeArtifacts } from '../store/artifacts';
import { writeFileAtomic } from '../store/atomic';
import type { StageContext } from './context';

export const THUMB_SIZE = 160;
const THUMB_CONCURRENCY = 4;

export async function readIdentities(ctx: Pick<StageContext, 'workspace' | 'epId'>): Promise<IdentitiesDoc | null> {
  const art = episodeArtifacts(ctx.workspace, ctx.epId);
  // A broken identities.json may hold human work: refuse (the StoreError names file, line, field)
  // rather than silently re-clustering over it.
  return (await art.exists('identities')) ? art.readIdentities() : null;
}

/** Best face per track for thumbnails: accepted before rejected, then quality, then earliest frame. */
function bestFace(faces: readonly Face[]): Face | undefined {
  let best: Face | undefined;
  const rank = (f: Face) => [f.rejection_reason ? 0 : 1, f.quality_score, -f.frame_idx];
  for (const f of faces) {
    if (!f.crop_path) continue;
    if (!best) { best = f; continue; }
    const a = rank(f), b = rank(best);
    if (a[0] > b[0] || (a[0] === b[0] && (a[1] > b[1] || (a[1] === b[1] && a[2] > b[2])))) best = f;
  }
  return best;
}

/**
 * Makes `thumbs/<identity>/rep.jpg` for each identity in `needThumbs` and sets canonical_face_path to
 * "" where no crop exists. Removes thumbnail folders of identities that no longer exist.
 */
export async function writeIdentityThumbs(
  ctx: Pick<StageContext, 'workspace' | 'paths' | 'epId' | 'log' | 'signal'>,
  doc: IdentitiesDoc,
  needThumbs: ReadonlyMap<string, readonly string[]>,
  faces: readonly Face[],
): Promise<void> {
  const facesByTrack = new Map<string, Face[]>();
  for (const f of faces) {
    let l = facesByTrack.get(f.track_id);
    if (!l) facesByTrack.set(f.track_id, (l = []));
    l.push(f);
  }
  const todo = doc.identities.filter((i) => needThumbs.has(i.identity_id));
  const one = async (ident: (typeof todo)[number]) => {
    const face = bestFace(needThumbs.get(ident.identity_id)!.flatMap((t) => facesByTrack.get(t) ?? []));
    const src = face ? ctx.workspace.resolveManifestRef(ctx.epId, face.crop_path) : undefined;
    if (!face || !src || !existsSync(src)) {
      if (face) ctx.log('warn', `identities: crop ${face.crop_path} of ${face.face_id} is missing; ${ident.identity_id} has no thumbnail`);
      ident.canonical_face_path = '';
      return;
    }
    const jpeg = await sharp(src).resize(THUMB_SIZE, THUMB_SIZE, { fit: 'cover' }).jpeg({ quality: 88 }).toBuffer();
    await writeFileAtomic(ctx.workspace.resolveManifestRef(ctx.epId, ident.canonical_face_path), jpeg);
  };
  // A few at a time: sharp works on libuv's thread pool, so this keeps both cores busy on episodes
  // with thousands of identities without queueing them all at once.
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      if (ctx.signal.aborted) throw Object.assign(new Error('pipeline cancelled'), { name: 'AbortError' });
      await one(todo[next++]);
    }
  };
  await Promise.all(Array.from({ length: THUMB_CONCURRENCY }, worker));
  const dir = ctx.workspace.abs(ctx.paths.identityThumbsDir);
  if (existsSync(dir)) {
    const keep = new Set(doc.identities.map((i) => i.identity_id));
    for (const name of await readdir(dir)) {
      if (/^identity-\d{5}$/.test(name) && !keep.has(name)) await rm(`${dir}/${name}`, { recursive: true, force: true });
    }
  }
}

/** Validated write (schema, ep_id, every track in tracks.jsonl, thumbnail refs confined), atomic. */
export async function writeIdentities(ctx: Pick<StageContext, 'workspace' | 'epId'>, doc: IdentitiesDoc): Promise<IdentitiesDoc> {
  return episodeArtifacts(ctx.workspace, ctx.epId).writeIdentities(doc);
}
