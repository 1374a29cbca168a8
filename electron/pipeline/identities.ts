// Writes the identities document and one square thumbnail per (re)computed identity.
// Thumbnail = the crop of the identity's cover face (cover.ts: its most frontal good face with a crop
// on disk), resized to THUMB_SIZE² with sharp ("cover": crops are face-centred).
import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import sharp from 'sharp';
import { identityThumbRef } from '../../shared/layout';
import type { Face, IdentitiesDoc } from '../../shared/schema';
import { episodeArtifacts } from '../store/artifacts';
import { writeFileAtomic } from '../store/atomic';
import { readJson } from '../store/json';
import type { StageContext } from './context';
import { pickCover } from './cover';
import { detectMetaSchema, sidePaths } from './sidefiles';

/** 160 CSS px cards at devicePixelRatio 2. */
export const THUMB_SIZE = 320;
const THUMB_CONCURRENCY = 4;

export async function readIdentities(ctx: Pick<StageContext, 'workspace' | 'epId'>): Promise<IdentitiesDoc | null> {
  const art = episodeArtifacts(ctx.workspace, ctx.epId);
  // A broken identities.json may hold human work: refuse (the StoreError names file, line, field)
  // rather than silently re-clustering over it.
  return (await art.exists('identities')) ? art.readIdentities() : null;
}

/** The video's size (landmarks are normalised to it); a square when detect_meta.json is gone. */
async function videoSize(ctx: Pick<StageContext, 'workspace' | 'epId'>): Promise<{ width: number; height: number }> {
  const path = ctx.workspace.abs(sidePaths(ctx.epId).detectMeta);
  if (!existsSync(path)) return { width: 1, height: 1 };
  const { video } = await readJson(path, detectMetaSchema);
  return { width: video.width, height: video.height };
}

/**
 * Makes `thumbs/<identity>/rep.jpg` for each identity in `needThumbs`, points canonical_face_path at
 * it (never at a crop a reviewer chose as cover: the thumbnail is written to the identity's own
 * thumbnail path, so a crop is never overwritten), and sets it to "" where no crop exists. Removes
 * thumbnail folders of identities that no longer exist.
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
  const { width, height } = await videoSize(ctx);
  const one = async (ident: (typeof todo)[number]) => {
    const face = pickCover(needThumbs.get(ident.identity_id)!.flatMap((t) => facesByTrack.get(t) ?? []), width, height);
    const src = face ? ctx.workspace.resolveManifestRef(ctx.epId, face.crop_path) : undefined;
    if (!face || !src || !existsSync(src)) {
      if (face) ctx.log('warn', `identities: crop ${face.crop_path} of ${face.face_id} is missing; ${ident.identity_id} has no thumbnail`);
      ident.canonical_face_path = '';
      return;
    }
    const jpeg = await sharp(src).resize(THUMB_SIZE, THUMB_SIZE, { fit: 'cover', kernel: 'lanczos3' }).jpeg({ quality: 88 }).toBuffer();
    ident.canonical_face_path = identityThumbRef(ident.identity_id);
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
