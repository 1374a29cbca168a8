// Pure review operations over the identities document: apply(doc, command, now, ctx) → {doc, inverse}
// or a typed refusal. Inputs are never mutated.
import type { IdentitiesDoc, Identity, ReviewConstraints } from '../schema';
import { formatIdentityId } from '../schema';
import { recordEdit } from '../cluster/reviewer-constraints';
import type {
  AnyCommand,
  CommandContext,
  LabelCommand,
  LockCommand,
  MergeCommand,
  MetadataCounts,
  MoveTracksCommand,
  Refusal,
  RemoveTrackCommand,
  RestoreCommand,
  SplitCommand,
} from './schema';
import { editFacts, notSamePerson, setCover } from './answers';
import { bestCover, coverAfter } from './covers';

export interface Applied {
  ok: true;
  doc: IdentitiesDoc;
  /** Applying this to `doc` gives back the input document exactly. */
  inverse: RestoreCommand;
  /** The reviewer constraints after the command (only when the context gave them). */
  constraints?: ReviewConstraints;
}
export type ApplyResult = Applied | Refusal;

const refuse = (code: Refusal['code'], message: string, extra: Partial<Refusal> = {}): Refusal => ({
  ok: false,
  code,
  message,
  ...extra,
});

/** "Lisa Vanderpump" → "lisa-vanderpump"; accents dropped, anything else non-alphanumeric becomes a dash. */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug || 'person';
}

export function computeCounts(identities: Identity[]): MetadataCounts {
  let numTracks = 0;
  let clusters = 0;
  let singletons = 0;
  let largest = 0;
  for (const ident of identities) {
    const n = ident.track_ids.length;
    numTracks += n;
    if (ident.cluster_id === null) singletons += n;
    else clusters += 1;
    largest = Math.max(largest, n);
  }
  return {
    num_tracks: numTracks,
    num_clusters: clusters,
    num_singletons: singletons,
    singleton_fraction: numTracks ? singletons / numTracks : 0,
    largest_cluster_size: largest,
    largest_cluster_fraction: numTracks ? largest / numTracks : 0,
  };
}

function countsOf(doc: IdentitiesDoc): MetadataCounts {
  const m = doc.metadata;
  return {
    num_tracks: m.num_tracks,
    num_clusters: m.num_clusters,
    num_singletons: m.num_singletons,
    singleton_fraction: m.singleton_fraction,
    largest_cluster_size: m.largest_cluster_size,
    largest_cluster_fraction: m.largest_cluster_fraction,
  };
}

/**
 * Inverse as a patch of the identity records that differ. Commands only edit in place, remove or
 * append, so the unchanged records keep their relative order and re-inserting the old records at
 * their old indexes rebuilds the old array exactly.
 */
export function diffInverse(before: IdentitiesDoc, after: IdentitiesDoc): RestoreCommand {
  const afterById = new Map(after.identities.map((i) => [i.identity_id, i]));
  const beforeById = new Map(before.identities.map((i) => [i.identity_id, i]));
  const remove = after.identities
    .filter((i) => beforeById.get(i.identity_id) !== i)
    .map((i) => i.identity_id);
  const insert = before.identities
    .map((identity, index) => ({ index, identity }))
    .filter(({ identity }) => afterById.get(identity.identity_id) !== identity);
  return { op: 'restore', remove, insert, counts: countsOf(before) };
}

function finish(before: IdentitiesDoc, identities: Identity[], counts?: MetadataCounts): Applied {
  const doc: IdentitiesDoc = { ...before, identities, metadata: { ...before.metadata, ...(counts ?? computeCounts(identities)) } };
  return { ok: true, doc, inverse: diffInverse(before, doc) };
}

function facesTotal(trackIds: string[], ctx: CommandContext, fallback: number): number {
  let sum = 0;
  for (const t of trackIds) {
    const n = ctx.tracks?.[t]?.faces;
    if (n === undefined) return fallback;
    sum += n;
  }
  return sum;
}

/** Identity with a new track list: num_tracks, num_faces_total (when known), stats, cover and updated_at follow. */
function withTracks(ident: Identity, trackIds: string[], now: string, ctx: CommandContext): Identity {
  const stats = ctx.statsFor?.(trackIds);
  return {
    ...ident,
    track_ids: trackIds,
    canonical_face_path: coverAfter(ident, trackIds, ctx),
    embedding_stats: {
      ...ident.embedding_stats,
      ...(stats ?? {}),
      num_tracks: trackIds.length,
      num_faces_total: facesTotal(trackIds, ctx, ident.embedding_stats.num_faces_total),
    },
    updated_at: now,
  };
}

function nextIdentityNumber(identities: Identity[]): number {
  let max = 0;
  for (const i of identities) max = Math.max(max, Number(i.identity_id.slice('identity-'.length)));
  return max + 1;
}

function newIdentity(id: string, trackIds: string[], clusterId: number | null, now: string, ctx: CommandContext): Identity {
  const stats = ctx.statsFor?.(trackIds);
  const thumb = bestCover(trackIds, ctx);
  return {
    identity_id: id,
    cluster_id: clusterId,
    track_ids: trackIds,
    canonical_face_path: thumb,
    embedding_stats: {
      centroid_norm: stats?.centroid_norm ?? 0,
      variance: stats?.variance ?? 0,
      num_tracks: trackIds.length,
      num_faces_total: facesTotal(trackIds, ctx, 0),
    },
    labels: {},
    locked: false,
    created_at: now,
    updated_at: now,
  };
}

/** Pairs (a, b), a from `moving`, b from `staying`, whose frame spans intersect. Unknown spans are skipped. */
export function findOverlaps(moving: string[], staying: string[], ctx: CommandContext): [string, string][] {
  const out: [string, string][] = [];
  for (const a of moving) {
    const sa = ctx.tracks?.[a]?.frame_span;
    if (!sa) continue;
    for (const b of staying) {
      const sb = ctx.tracks?.[b]?.frame_span;
      if (sb && sa[0] <= sb[1] && sb[0] <= sa[1]) out.push([a, b]);
    }
  }
  return out;
}

function lock(doc: IdentitiesDoc, c: LockCommand, now: string): ApplyResult {
  const idx = doc.identities.findIndex((i) => i.identity_id === c.identity_id);
  if (idx < 0) return refuse('not_found', `identity ${c.identity_id} not found`);
  const ids = doc.identities.slice();
  ids[idx] = { ...ids[idx], locked: c.locked, updated_at: now };
  return finish(doc, ids);
}

function label(doc: IdentitiesDoc, c: LabelCommand, now: string): ApplyResult {
  const idx = doc.identities.findIndex((i) => i.identity_id === c.identity_id);
  if (idx < 0) return refuse('not_found', `identity ${c.identity_id} not found`);
  const cur = doc.identities[idx];
  if (cur.locked && !c.force) {
    return refuse('locked', `${c.identity_id} is locked; unlock it or confirm to relabel`, { locked_ids: [c.identity_id] });
  }
  const { person_id: _p, name: _n, ...rest } = cur.labels;
  const labels = c.name === null ? rest : { ...rest, person_id: c.person_id ?? slugify(c.name), name: c.name };
  const ids = doc.identities.slice();
  ids[idx] = { ...cur, labels, updated_at: now };
  return finish(doc, ids);
}

function merge(doc: IdentitiesDoc, c: MergeCommand, now: string, ctx: CommandContext): ApplyResult {
  if (c.source_ids.includes(c.target_id)) return refuse('invalid', `cannot merge ${c.target_id} into itself`);
  if (new Set(c.source_ids).size !== c.source_ids.length) return refuse('invalid', 'merge sources are listed twice');
  const byId = new Map(doc.identities.map((i) => [i.identity_id, i]));
  const target = byId.get(c.target_id);
  if (!target) return refuse('not_found', `identity ${c.target_id} not found`);
  const sources = c.source_ids.map((id) => byId.get(id));
  const missing = c.source_ids.filter((_, k) => !sources[k]);
  if (missing.length) return refuse('not_found', `identity ${missing.join(', ')} not found`);
  const lockedSources = c.source_ids.filter((_, k) => sources[k]!.locked);
  if (lockedSources.length && !c.force) {
    return refuse('locked', `${lockedSources.join(', ')} ${lockedSources.length > 1 ? 'are' : 'is'} locked; confirm to merge anyway`, {
      locked_ids: lockedSources,
    });
  }
  const moving = sources.flatMap((s) => s!.track_ids);
  if (!c.allow_overlap) {
    // Sources must not overlap the target nor each other.
    const overlaps = findOverlaps(moving, target.track_ids, ctx);
    for (let k = 0; k < sources.length; k++) {
      const later = sources.slice(k + 1).flatMap((s) => s!.track_ids);
      overlaps.push(...findOverlaps(sources[k]!.track_ids, later, ctx));
    }
    if (overlaps.length) {
      return refuse('overlap', `${overlaps.length} track pair(s) are on screen at the same time (e.g. ${overlaps[0][0]} and ${overlaps[0][1]}), so they cannot be one person`, { overlaps });
    }
  }
  const drop = new Set(c.source_ids);
  const ids = doc.identities
    .filter((i) => !drop.has(i.identity_id))
    .map((i) => (i === target ? withTracks(target, [...target.track_ids, ...moving], now, ctx) : i));
  return finish(doc, ids);
}

function split(doc: IdentitiesDoc, c: SplitCommand, now: string, ctx: CommandContext): ApplyResult {
  const idx = doc.identities.findIndex((i) => i.identity_id === c.identity_id);
  if (idx < 0) return refuse('not_found', `identity ${c.identity_id} not found`);
  const cur = doc.identities[idx];
  const picked = new Set(c.track_ids);
  if (picked.size !== c.track_ids.length) return refuse('invalid', 'split lists a track twice');
  const foreign = c.track_ids.filter((t) => !cur.track_ids.includes(t));
  if (foreign.length) return refuse('not_found', `${foreign.join(', ')} not in ${c.identity_id}`);
  if (picked.size === cur.track_ids.length) return refuse('invalid', `split must leave at least one track in ${c.identity_id}`);
  if (cur.locked && !c.force) return refuse('locked', `${c.identity_id} is locked; confirm to split it`, { locked_ids: [c.identity_id] });
  const keep = cur.track_ids.filter((t) => !picked.has(t));
  const moved = cur.track_ids.filter((t) => picked.has(t));
  const maxCluster = Math.max(-1, ...doc.identities.map((i) => i.cluster_id ?? -1));
  const created = newIdentity(formatIdentityId(nextIdentityNumber(doc.identities)), moved, moved.length > 1 ? maxCluster + 1 : null, now, ctx);
  const ids = doc.identities.slice();
  ids[idx] = withTracks(cur, keep, now, ctx);
  ids.push(created);
  return finish(doc, ids);
}

function moveTracks(doc: IdentitiesDoc, c: MoveTracksCommand, now: string, ctx: CommandContext): ApplyResult {
  if (new Set(c.track_ids).size !== c.track_ids.length) return refuse('invalid', 'moveTracks lists a track twice');
  const target = doc.identities.find((i) => i.identity_id === c.to_identity_id);
  if (!target) return refuse('not_found', `identity ${c.to_identity_id} not found`);
  const owner = new Map<string, Identity>();
  for (const i of doc.identities) for (const t of i.track_ids) owner.set(t, i);
  const unknown = c.track_ids.filter((t) => !owner.has(t));
  if (unknown.length) return refuse('not_found', `${unknown.join(', ')} not in any identity`);
  const moving = c.track_ids.filter((t) => owner.get(t) !== target);
  if (!moving.length) return refuse('invalid', `the tracks are already in ${c.to_identity_id}`);
  const lockedOwners = [...new Set(moving.map((t) => owner.get(t)!).filter((i) => i.locked).map((i) => i.identity_id))];
  if (lockedOwners.length && !c.force) {
    return refuse('locked', `${lockedOwners.join(', ')} ${lockedOwners.length > 1 ? 'are' : 'is'} locked; confirm to move tracks out`, { locked_ids: lockedOwners });
  }
  if (!c.allow_overlap) {
    const overlaps = findOverlaps(moving, target.track_ids, ctx);
    if (overlaps.length) {
      return refuse('overlap', `${overlaps[0][0]} and ${overlaps[0][1]} are on screen at the same time, so they cannot be one person`, { overlaps });
    }
  }
  const movingSet = new Set(moving);
  const ids: Identity[] = [];
  for (const i of doc.identities) {
    if (i === target) {
      ids.push(withTracks(i, [...i.track_ids, ...moving], now, ctx));
    } else if (i.track_ids.some((t) => movingSet.has(t))) {
      const left = i.track_ids.filter((t) => !movingSet.has(t));
      if (left.length) ids.push(withTracks(i, left, now, ctx));
    } else {
      ids.push(i);
    }
  }
  return finish(doc, ids);
}

function removeTrack(doc: IdentitiesDoc, c: RemoveTrackCommand, now: string, ctx: CommandContext): ApplyResult {
  const idx = doc.identities.findIndex((i) => i.track_ids.includes(c.track_id));
  if (idx < 0) return refuse('not_found', `${c.track_id} is not in any identity`);
  const cur = doc.identities[idx];
  if (cur.track_ids.length === 1 && cur.cluster_id === null) {
    return refuse('invalid', `${c.track_id} is already a singleton (${cur.identity_id})`);
  }
  if (cur.locked && !c.force) return refuse('locked', `${cur.identity_id} is locked; confirm to remove a track`, { locked_ids: [cur.identity_id] });
  const ids = doc.identities.slice();
  const left = cur.track_ids.filter((t) => t !== c.track_id);
  if (left.length) ids[idx] = withTracks(cur, left, now, ctx);
  else ids.splice(idx, 1);
  ids.push(newIdentity(formatIdentityId(nextIdentityNumber(doc.identities)), [c.track_id], null, now, ctx));
  return finish(doc, ids);
}

function restore(doc: IdentitiesDoc, c: RestoreCommand): ApplyResult {
  const present = new Set(doc.identities.map((i) => i.identity_id));
  const gone = c.remove.filter((id) => !present.has(id));
  if (gone.length) return refuse('conflict', `cannot undo: ${gone.join(', ')} changed since`);
  const drop = new Set(c.remove);
  const ids = doc.identities.filter((i) => !drop.has(i.identity_id));
  for (const { index, identity } of c.insert) {
    if (index > ids.length) return refuse('conflict', 'cannot undo: the document changed since');
    ids.splice(index, 0, identity);
  }
  const seenIds = new Set<string>();
  const seenTracks = new Set<string>();
  for (const i of ids) {
    if (seenIds.has(i.identity_id)) return refuse('conflict', `cannot undo: ${i.identity_id} exists twice`);
    seenIds.add(i.identity_id);
    for (const t of i.track_ids) {
      if (seenTracks.has(t)) return refuse('conflict', `cannot undo: ${t} would be in two identities`);
      seenTracks.add(t);
    }
  }
  return finish(doc, ids, c.counts);
}

/**
 * Applies one command. `now` is an ISO timestamp (callers pass it so results are reproducible). With
 * `ctx.constraints`, the result also holds the constraints the edit leaves and the inverse restores
 * the ones it found.
 */
export function applyCommand(doc: IdentitiesDoc, command: AnyCommand, now: string, ctx: CommandContext = {}): ApplyResult {
  const r = applyToDoc(doc, command, now, ctx);
  const before = ctx.constraints;
  if (!r.ok || !before) return r;
  const constraints =
    command.op === 'restore'
      ? (command.constraints ?? before)
      : recordEdit(before, doc, r.doc, editFacts(doc, command));
  return { ...r, constraints, inverse: { ...r.inverse, constraints: before } };
}

function applyToDoc(doc: IdentitiesDoc, command: AnyCommand, now: string, ctx: CommandContext): ApplyResult {
  switch (command.op) {
    case 'lock':
      return lock(doc, command, now);
    case 'label':
      return label(doc, command, now);
    case 'merge':
      return merge(doc, command, now, ctx);
    case 'split':
      return split(doc, command, now, ctx);
    case 'moveTracks':
      return moveTracks(doc, command, now, ctx);
    case 'removeTrack':
      return removeTrack(doc, command, now, ctx);
    case 'setCover':
    case 'notSamePerson': {
      const r = command.op === 'setCover' ? setCover(doc, command, now, ctx) : notSamePerson(doc, command, ctx);
      return 'ok' in r ? r : finish(doc, r);
    }
    case 'restore':
      return restore(doc, command);
  }
}

/** One-line description for undo/redo menus and the journal. */
export function describeCommand(c: AnyCommand): string {
  switch (c.op) {
    case 'lock':
      return `${c.locked ? 'Lock' : 'Unlock'} ${c.identity_id}`;
    case 'label':
      return c.name === null ? `Clear name of ${c.identity_id}` : `Name ${c.identity_id} "${c.name}"`;
    case 'merge':
      return `Merge ${c.source_ids.join(', ')} into ${c.target_id}`;
    case 'split':
      return `Split ${c.track_ids.length} track(s) from ${c.identity_id}`;
    case 'moveTracks':
      return `Move ${c.track_ids.length} track(s) to ${c.to_identity_id}`;
    case 'removeTrack':
      return `Remove ${c.track_id}`;
    case 'setCover':
      return `Set cover of ${c.identity_id}`;
    case 'notSamePerson':
      return `${c.identity_ids[0]} and ${c.identity_ids[1]} are not the same person`;
    case 'restore':
      return 'Restore';
  }
}
