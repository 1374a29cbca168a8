// Human work across a re-run that regenerates tracks (--force, another stride, other tracker knobs):
// track ids are renumbered and reshaped, so identities.json's locked identities and labels would point
// at other people's tracks. The track stage, before it overwrites tracks.jsonl, matches the old tracks
// of every locked or labeled identity, and every track named by review_constraints.json (the
// reviewer's merges, moves, splits and removals: the cluster stage translates those facts with this
// file and keeps them), to the new tracks (shared/cluster/trackmatch.ts: old boxes from
// track_samples.json — faces.jsonl when absent — against the new tracks' every detection) and writes
// track_remap.json:
//   {ep_id, created_at, identities_created_at, old_to_new: {old track: [new tracks]},
//    lost: [{identity_id, locked, track_id}]}
// `identities_created_at` ties it to the identities document it translates (its metadata.created_at):
// the cluster stage applies it only to that document (so a later cluster-only re-run, which reads the
// re-clustered document, does not apply it twice) — lost tracks are logged there and stay listed here.
// A second track re-run before the cluster stage consumed the file composes the two mappings.
import { existsSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { z } from 'zod';
import type { IdentitiesDoc, Identity } from '../../shared/schema';
import { trackIdSchema } from '../../shared/schema/common';
import { episodePaths } from '../../shared/layout';
import type { Track } from '../../shared/schema/tracks';
import { matchTracks, type Box, type TrackBoxes } from '../../shared/cluster/trackmatch';
import { constraintTracks } from '../../shared/cluster/reviewer-constraints';
import { readConstraints } from '../store/constraints';
import { episodeArtifacts } from '../store/artifacts';
import { readJson, writeJson } from '../store/json';
import type { StageContext } from './context';
import { sidePaths, trackSamplesSchema } from './sidefiles';

export const trackRemapPath = (epId: string) => episodePaths(epId).trackRemap;

export const trackRemapSchema = z.strictObject({
  ep_id: z.string(),
  created_at: z.string(),
  identities_created_at: z.string(),
  old_to_new: z.record(trackIdSchema, z.array(trackIdSchema)),
  lost: z.array(z.strictObject({ identity_id: z.string(), locked: z.boolean(), track_id: trackIdSchema })),
});
export type TrackRemap = z.infer<typeof trackRemapSchema>;

const isHuman = (i: Identity) => i.locked || Object.keys(i.labels ?? {}).length > 0;

function sameTracks(a: readonly Track[], b: readonly Track[]): boolean {
  return a.length === b.length && a.every((t, i) => JSON.stringify(t) === JSON.stringify(b[i]));
}

async function oldBoxes(ctx: StageContext, wanted: Set<string>): Promise<TrackBoxes[]> {
  const byTrack = new Map<string, Array<{ frame_idx: number; bbox: Box }>>();
  const add = (track: string, frame_idx: number, bbox: Box) => {
    if (!wanted.has(track)) return;
    let l = byTrack.get(track);
    if (!l) byTrack.set(track, (l = []));
    l.push({ frame_idx, bbox });
  };
  const samplesAbs = ctx.workspace.abs(sidePaths(ctx.epId).trackSamples);
  const art = episodeArtifacts(ctx.workspace, ctx.epId);
  if (existsSync(samplesAbs)) {
    for (const s of (await readJson(samplesAbs, trackSamplesSchema)).samples) add(s.track_id, s.frame_idx, s.bbox as Box);
  } else if (await art.exists('faces')) {
    for (const f of await art.readFaces()) add(f.track_id, f.frame_idx, f.bbox as Box);
  }
  return [...byTrack].map(([track_id, boxes]) => ({ track_id, boxes: boxes.sort((x, y) => x.frame_idx - y.frame_idx) }));
}

/**
 * Called by the track stage with the new tracks, before tracks.jsonl is replaced. Writes (or removes)
 * track_remap.json; returns what it wrote, or null when there is nothing to carry.
 */
export async function remapHumanWork(ctx: StageContext, newTracks: readonly Track[], newBoxes: readonly TrackBoxes[]): Promise<TrackRemap | null> {
  const art = episodeArtifacts(ctx.workspace, ctx.epId);
  const remapAbs = ctx.workspace.abs(trackRemapPath(ctx.epId));
  const drop = async () => {
    if (existsSync(remapAbs)) await unlink(remapAbs);
    return null;
  };
  if (!(await art.exists('identities'))) return drop();
  // Unreadable identities.json: leave everything as is, the cluster stage refuses it with file/line/field.
  let prev: IdentitiesDoc;
  try {
    prev = await art.readIdentities();
  } catch {
    return null;
  }
  const human = prev.identities.filter(isHuman);
  // Tracks named by the reviewer's constraints (review_constraints.json) are carried too.
  const constrained = constraintTracks(await readConstraints(ctx.workspace, ctx.epId));
  if (!human.length && !constrained.length) return drop();
  let pending: TrackRemap | null = null;
  if (existsSync(remapAbs)) {
    const r = await readJson(remapAbs, trackRemapSchema).catch(() => null);
    if (r && r.identities_created_at === prev.metadata.created_at) pending = r;
  }
  const oldTracks = (await art.exists('tracks')) ? await art.readTracks() : [];
  if (sameTracks(oldTracks, newTracks)) return pending;

  // The document's track ids, as tracks of the current tracks.jsonl (through a pending remap if any).
  const base = new Map<string, string[]>();
  const docTracks = [...human.flatMap((i) => i.track_ids), ...constrained];
  for (const t of docTracks) base.set(t, pending ? (pending.old_to_new[t] ?? []) : [t]);
  const current = new Set([...base.values()].flat());
  const match = matchTracks(await oldBoxes(ctx, current), newBoxes);
  const remap: TrackRemap = {
    ep_id: ctx.epId,
    created_at: new Date().toISOString(),
    identities_created_at: prev.metadata.created_at,
    old_to_new: {},
    lost: [],
  };
  const mapped = (t: string) => [...new Set(base.get(t)!.flatMap((c) => match.oldToNew.get(c) ?? []))];
  for (const t of docTracks) remap.old_to_new[t] = mapped(t);
  for (const ident of human) {
    for (const t of ident.track_ids) if (!remap.old_to_new[t].length) remap.lost.push({ identity_id: ident.identity_id, locked: ident.locked, track_id: t });
  }
  await writeJson(remapAbs, remap, trackRemapSchema);
  const carried = Object.values(remap.old_to_new).filter((v) => v.length).length;
  ctx.log('info', `track: ${carried} of ${base.size} reviewed tracks matched to new tracks (${trackRemapPath(ctx.epId)})`);
  for (const l of remap.lost) ctx.log('warn', `track: ${l.track_id} of ${l.locked ? 'locked' : 'labeled'} ${l.identity_id} has no matching track in this run`);
  return remap;
}

export async function readTrackRemap(ctx: Pick<StageContext, 'workspace' | 'epId'>): Promise<TrackRemap | null> {
  const abs = ctx.workspace.abs(trackRemapPath(ctx.epId));
  return existsSync(abs) ? readJson(abs, trackRemapSchema) : null;
}

/**
 * The previous identities document in terms of the new tracks: locked and labeled identities get the
 * mapped track ids (a locked identity left with none is dropped, and reported); other identities carry
 * no human work and are left out. Pure. `now` becomes updated_at of identities whose tracks changed.
 */
export function applyTrackRemap(prev: IdentitiesDoc, remap: TrackRemap, now: string): { doc: IdentitiesDoc; warnings: string[]; changed: Set<string> } {
  const warnings: string[] = [];
  const changed = new Set<string>();
  const identities: Identity[] = [];
  for (const ident of prev.identities.filter(isHuman)) {
    const tracks = [...new Set(ident.track_ids.flatMap((t) => remap.old_to_new[t] ?? []))];
    const lost = ident.track_ids.filter((t) => !(remap.old_to_new[t] ?? []).length);
    if (lost.length) warnings.push(`${ident.locked ? 'locked' : 'labeled'} ${ident.identity_id}: tracks ${lost.join(', ')} have no match in the new tracks (see ${trackRemapPath(prev.metadata.ep_id)})`);
    if (!tracks.length) {
      if (ident.locked) warnings.push(`locked ${ident.identity_id} (${JSON.stringify(ident.labels ?? {})}) has no track left and is dropped`);
      continue;
    }
    const same = tracks.length === ident.track_ids.length && tracks.every((t, i) => t === ident.track_ids[i]);
    if (!same) changed.add(ident.identity_id);
    identities.push({ ...structuredClone(ident), track_ids: tracks, updated_at: same ? ident.updated_at : now });
  }
  return { doc: { ...prev, identities }, warnings, changed };
}
