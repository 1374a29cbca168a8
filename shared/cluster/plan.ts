// From pooled track embeddings (and the previous identities document, if any) to the next identities
// document. Pure: thumbnails and I/O are the caller's (electron/pipeline/identities.ts).
//
// Human work survives re-runs:
// - a locked identity is copied verbatim (every field) and its tracks are kept out of clustering
//   (when a re-run rebuilt the tracks, electron/pipeline/remap.ts first moves `previous` onto them);
// - labels of unlocked labeled identities are carried to the new identity that holds the majority of
//   their (still present, unlocked) tracks, one-to-one, largest overlap first; an old identity with no
//   such majority is matched by centroid cosine similarity ≥ cluster_thresh instead;
// - a new identity that inherits labels also keeps the old identity_id and created_at, so review
//   references (journal entries, open views) still point at the same person;
// - other new identities are numbered identity-00001… by size (desc) then first appearance, skipping
//   every id already taken; cluster ids skip those of locked identities;
// - reviewer constraints (review_constraints.json) hold: each must-link group lands in one identity
//   (never split, even below min_cluster_size), cannot-linked tracks in different ones, excluded tracks
//   each on their own; an unlocked identity the reviewer shaped keeps its id like a labeled one;
// - same-setup links (setup-links.ts, setup-join.ts) join clusters after the clustering, or move one
//   linked track, never across a cannot-link (two tracks on screen at once, or the reviewer's), an
//   excluded track, a reviewer's must-link group or two different labels.
import { formatIdentityId, type IdentitiesDoc, type Identity, type ReviewConstraints } from '../schema';
import { identityThumbRef } from '../layout';
import { agglomerate, cosineSimilarityMatrix, groupsOf, type Linkage } from './agglomerative';
import { overlappingSpanPairs, type FrameSpan } from './constraints';
import { embeddingStats } from './pooling';
import { dot } from '../vec';
import { restrictConstraints } from './reviewer-constraints';
import { joinBySetup } from './setup-join';
import { clusterUnits, UnionFind } from './units';

export interface PlanTrack {
  track_id: string;
  frame_span: FrameSpan;
}

export interface PlanInput {
  epId: string;
  /** Every track of the episode (tracks.jsonl order). */
  tracks: readonly PlanTrack[];
  /** Pooled vectors (row-major, unit-norm) of the tracks in `vectorTrackOrder`; tracks not listed have no face. */
  vectors: Float32Array;
  vectorTrackOrder: readonly string[];
  dim: number;
  /**
   * Optional precomputed cosine-similarity matrix of all `vectors` (row-major, vectorTrackOrder² —
   * e.g. from a BLAS matmul). Overwritten when no track is locked (used as the distance matrix).
   */
  similarity?: Float32Array;
  /** Faces per track (all faces.jsonl rows of it, accepted or not). */
  facesPerTrack: ReadonlyMap<string, number>;
  previous?: IdentitiesDoc | null;
  clusterThresh: number;
  minClusterSize: number;
  linkage: Linkage;
  modelId?: string;
  /** ISO timestamp of this run. */
  now: string;
  /** The reviewer's must-link / cannot-link / excluded facts, in this run's track ids. */
  constraints?: ReviewConstraints | null;
  /** Track pairs filmed from one camera setup at the same place (setup-links.ts): their clusters join. */
  setupLinks?: ReadonlyArray<readonly [string, string]>;
}

export interface PlanResult {
  doc: IdentitiesDoc;
  /** Identities whose thumbnail must be (re)made: id → member track ids. Locked ones keep theirs. */
  needThumbs: Map<string, string[]>;
  /** Ids of the old labeled identities whose labels (and id) went to a new identity. */
  carried: Set<string>;
  /** Human-readable notes (missing tracks of locked identities, …). */
  warnings: string[];
}

interface Group {
  tracks: number[]; // indices into input.tracks
  firstFrame: number;
}

/** Similarity matrix of the given vector rows: a view of `input.similarity` when it covers them all in order, else a copy / fresh computation. */
function similarityOf(input: PlanInput, rows: number[]): Float32Array {
  const total = input.vectorTrackOrder.length;
  const n = rows.length;
  const sim = input.similarity;
  if (sim) {
    if (sim.length !== total * total) throw new Error(`planIdentities: similarity has ${sim.length} values, expected ${total}²`);
    if (n === total && rows.every((r, i) => r === i)) return sim;
    const out = new Float32Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = sim[rows[i] * total + rows[j]];
    return out;
  }
  const sub = new Float32Array(n * input.dim);
  rows.forEach((r, i) => sub.set(input.vectors.subarray(r * input.dim, (r + 1) * input.dim), i * input.dim));
  return cosineSimilarityMatrix(sub, n, input.dim);
}

/**
 * Agglomerative clustering of the clusterable tracks (indices into input.tracks), as lists of track
 * indices. Without reviewer constraints this is the plain track-level clustering; with them, must-link
 * groups are single points (units.ts) and reviewer cannot-links join the co-occurrence ones.
 */
function clusterClusterable(input: PlanInput, clusterable: number[], rows: number[], uf: UnionFind, cons: ReviewConstraints | null): number[][] {
  const n = clusterable.length;
  const spans = clusterable.map((ti) => input.tracks[ti].frame_span);
  const cannotLink = overlappingSpanPairs(spans);
  const hasGroups = clusterable.some((ti) => uf.find(ti) !== ti);
  if (!hasGroups && !cons?.cannot_link.length) {
    const result = agglomerate(similarityOf(input, rows), n, { threshold: input.clusterThresh, linkage: input.linkage, cannotLink, consumeMatrix: true });
    return groupsOf(result.labels, result.numClusters).map((g) => g.map((r) => clusterable[r]));
  }
  const pos = new Map(clusterable.map((ti, k) => [input.tracks[ti].track_id, k]));
  for (const [a, b] of cons?.cannot_link ?? []) {
    for (const x of a) for (const y of b) if (pos.has(x) && pos.has(y)) cannotLink.push([pos.get(x)!, pos.get(y)!]);
  }
  const unitIndex = new Map<number, number>();
  const unitOf = Int32Array.from(clusterable, (ti) => {
    const root = uf.find(ti);
    if (!unitIndex.has(root)) unitIndex.set(root, unitIndex.size);
    return unitIndex.get(root)!;
  });
  const sim = similarityOf(input, rows);
  // similarityOf may hand back input.similarity itself: clusterUnits only reads it.
  return clusterUnits({ similarity: sim, n, unitOf, m: unitIndex.size, cannotLink, threshold: input.clusterThresh, linkage: input.linkage }).map((g) => g.map((k) => clusterable[k]));
}

/** What the phases of a plan share: the tracks by id and row, the locked identities and their tracks. */
interface PlanIndex {
  trackIndex: Map<string, number>;
  vectorRow: Map<string, number>;
  locked: Identity[];
  lockedTracks: Set<string>;
}

export function planIdentities(input: PlanInput): PlanResult {
  const { tracks } = input;
  if (!(input.minClusterSize >= 1)) throw new Error(`min_cluster_size must be ≥ 1, got ${input.minClusterSize}`);
  const warnings: string[] = [];
  const ix = indexPlan(input, warnings);
  const cons = input.constraints ? restrictConstraints(input.constraints, new Set(ix.trackIndex.keys())) : null;
  const excluded = new Set((cons?.excluded ?? []).filter((t) => !ix.lockedTracks.has(t)));
  const uf = mustLinkUnits(input, ix, cons, excluded);

  // Free tracks with a vector are clustered; free tracks without one (and excluded ones) stay out.
  const free = tracks.map((_, i) => i).filter((i) => !ix.lockedTracks.has(tracks[i].track_id));
  const clusterable = free.filter((i) => ix.vectorRow.has(tracks[i].track_id) && !excluded.has(tracks[i].track_id));
  const rowOfClusterable = clusterable.map((ti) => ix.vectorRow.get(tracks[ti].track_id)!);
  const clusters = clusterClusterable(input, clusterable, rowOfClusterable, uf, cons);
  const formed = formGroups(input, free, clusterable, clusters, uf, excluded);
  const { groups, clusterGroups } = input.setupLinks?.length ? joinSetupGroups(input, formed, cons, excluded) : formed;

  // Vector-row lists for statistics: rows into input.vectors.
  const rowsOf = (trackIdxs: number[]) =>
    trackIdxs.map((i) => ix.vectorRow.get(tracks[i].track_id)).filter((r): r is number => r !== undefined);
  const statsOf = (g: Group) => embeddingStats(input.vectors, input.dim, rowsOf(g.tracks));

  const { carriedFrom, carried } = carryLabels(input, ix, groups, cons, statsOf);
  const { fresh, needThumbs } = freshIdentities(input, ix, groups, clusterGroups, carriedFrom, statsOf);
  const identities = [...ix.locked.map((p) => structuredClone(p)), ...fresh].sort((a, b) => a.identity_id.localeCompare(b.identity_id));
  return { doc: { identities, metadata: planMetadata(input, identities) }, needThumbs, carried, warnings };
}

/** Tracks by id and vector row; locked identities stay as they are (a warning names tracks they lost). */
function indexPlan(input: PlanInput, warnings: string[]): PlanIndex {
  const trackIndex = new Map(input.tracks.map((t, i) => [t.track_id, i]));
  const vectorRow = new Map(input.vectorTrackOrder.map((t, i) => [t, i]));
  const locked = (input.previous?.identities ?? []).filter((p) => p.locked);
  const lockedTracks = new Set(locked.flatMap((p) => p.track_ids));
  for (const p of locked) {
    const gone = p.track_ids.filter((t) => !trackIndex.has(t));
    if (gone.length) warnings.push(`locked ${p.identity_id} kept as is, but its tracks ${gone.join(', ')} are no longer in tracks.jsonl`);
  }
  return { trackIndex, vectorRow, locked, lockedTracks };
}

/** Must-link groups as union-find roots over track indices (locked and excluded tracks stay out). */
function mustLinkUnits(input: PlanInput, ix: PlanIndex, cons: ReviewConstraints | null, excluded: Set<string>): UnionFind {
  const uf = new UnionFind(input.tracks.length);
  const inGroup = (t: string) => !ix.lockedTracks.has(t) && !excluded.has(t);
  for (const g of cons?.must_link ?? []) {
    const idx = g.filter(inGroup).map((t) => ix.trackIndex.get(t)!);
    for (const i of idx.slice(1)) uf.union(idx[0], i);
  }
  return uf;
}

/** Biggest first, then by first frame, then by lowest track: the order identity ids are given in. */
function sortGroups(groups: Group[]): void {
  const minTrack = (g: Group) => Math.min(...g.tracks);
  groups.sort((a, b) => b.tracks.length - a.tracks.length || a.firstFrame - b.firstFrame || minTrack(a) - minTrack(b));
}

/**
 * Clusters become groups (one too small for min_cluster_size falls back to its must-link units, so a
 * reviewer's group stays whole); free tracks left out of clustering join their unit's group or stand
 * alone. Groups are ordered biggest first, then by first frame, then by lowest track.
 */
function formGroups(input: PlanInput, free: number[], clusterable: number[], clusters: number[][], uf: UnionFind, excluded: Set<string>) {
  const { tracks } = input;
  const groups: Group[] = [];
  const toGroup = (members: number[]): Group => ({ tracks: members, firstFrame: Math.min(...members.map((m) => tracks[m].frame_span[0])) });
  const clusterGroups = new Set<Group>();
  const groupOfRoot = new Map<number, Group>();
  const push = (members: number[], asCluster: boolean) => {
    const grp = toGroup(members);
    groups.push(grp);
    if (asCluster && members.length > 1) clusterGroups.add(grp);
    for (const m of members) groupOfRoot.set(uf.find(m), grp);
  };
  for (const members of clusters) {
    if (members.length >= input.minClusterSize && members.length > 1) push(members, true);
    else {
      const units = new Map<number, number[]>();
      for (const m of members) (units.get(uf.find(m)) ?? units.set(uf.find(m), []).get(uf.find(m))!).push(m);
      for (const u of units.values()) push(u, true);
    }
  }
  const clustered = new Set(clusterable);
  for (const i of free) {
    if (clustered.has(i)) continue;
    const g = excluded.has(tracks[i].track_id) ? undefined : groupOfRoot.get(uf.find(i));
    if (g) {
      g.tracks.push(i);
      g.firstFrame = Math.min(g.firstFrame, tracks[i].frame_span[0]);
    } else push([i], false);
  }
  sortGroups(groups);
  for (const g of groups) g.tracks.sort((a, b) => a - b);
  return { groups, clusterGroups };
}

/**
 * The clusters after the same-setup links' joins and moves (setup-join.ts). Two tracks are apart when a
 * reviewer cannot-link separates them or their earlier identities were named as different people (a
 * re-cluster never folds one named person into another); a track in a reviewer's must-link group or
 * excluded by the reviewer stays where it is.
 */
function joinSetupGroups(input: PlanInput, formed: { groups: Group[]; clusterGroups: Set<Group> }, cons: ReviewConstraints | null, excluded: Set<string>) {
  const { tracks } = input;
  const nameOf = new Map<string, string>();
  for (const p of input.previous?.identities ?? []) {
    const name = p.labels?.person_id ?? p.labels?.name;
    if (!p.locked && name) for (const t of p.track_ids) nameOf.set(t, name);
  }
  const cannot = new Set<string>();
  for (const [a, b] of cons?.cannot_link ?? []) for (const x of a) for (const y of b) cannot.add(`${x}\u0000${y}`).add(`${y}\u0000${x}`);
  const grouped = new Set(cons?.must_link.flat() ?? []);
  const id = (t: number) => tracks[t].track_id;
  const r = joinBySetup({
    groups: formed.groups.map((g) => g.tracks),
    trackIds: tracks.map((t) => t.track_id),
    spans: tracks.map((t) => t.frame_span),
    links: input.setupLinks ?? [],
    apart: (a, b) => cannot.has(`${id(a)}\u0000${id(b)}`) || (nameOf.has(id(a)) && nameOf.has(id(b)) && nameOf.get(id(a)) !== nameOf.get(id(b))),
    excluded: (t) => excluded.has(id(t)),
    pinned: (t) => excluded.has(id(t)) || grouped.has(id(t)),
  });
  if (!r.joins && !r.moves) return formed;
  const groups: Group[] = r.groups.map((g) => ({ tracks: g, firstFrame: Math.min(...g.map((t) => tracks[t].frame_span[0])) }));
  sortGroups(groups);
  return { groups, clusterGroups: new Set(groups.filter((g) => g.tracks.length > 1)) };
}

type StatsOf = (g: Group) => ReturnType<typeof embeddingStats>;

/**
 * Which earlier identity (labeled, or grouped by a reviewer) each new group continues: first by
 * majority of its tracks (largest overlap first), then, for the ones left, by centroid similarity
 * above the clustering threshold. Each earlier identity and each group is taken at most once.
 */
function carryLabels(input: PlanInput, ix: PlanIndex, groups: Group[], cons: ReviewConstraints | null, statsOf: StatsOf) {
  const { tracks } = input;
  const carriedFrom = new Map<Group, Identity>();
  const carried = new Set<string>();
  const grouped = new Set(cons?.must_link.flat() ?? []);
  const reviewed = (p: Identity) => p.track_ids.filter((t) => grouped.has(t)).length >= 2;
  const labeled = (input.previous?.identities ?? []).filter((p) => !p.locked && (Object.keys(p.labels ?? {}).length > 0 || reviewed(p)));
  const groupOfTrack = new Map<number, Group>();
  for (const g of groups) for (const t of g.tracks) groupOfTrack.set(t, g);
  const candidates: Array<{ old: Identity; g: Group; overlap: number; frac: number }> = [];
  for (const old of labeled) {
    const present = old.track_ids.map((t) => ix.trackIndex.get(t)).filter((i): i is number => i !== undefined && !ix.lockedTracks.has(tracks[i].track_id));
    const counts = new Map<Group, number>();
    for (const i of present) counts.set(groupOfTrack.get(i)!, (counts.get(groupOfTrack.get(i)!) ?? 0) + 1);
    for (const [g, c] of counts) if (2 * c > present.length) candidates.push({ old, g, overlap: c, frac: c / present.length });
  }
  candidates.sort((x, y) => y.overlap - x.overlap || y.frac - x.frac || x.old.identity_id.localeCompare(y.old.identity_id));
  const take = (old: Identity, g: Group) => {
    carriedFrom.set(g, old);
    carried.add(old.identity_id);
  };
  for (const c of candidates) if (!carried.has(c.old.identity_id) && !carriedFrom.has(c.g)) take(c.old, c.g);
  const unmatchedOld = labeled.filter((o) => !carried.has(o.identity_id));
  if (unmatchedOld.length) {
    for (const s of similarCarryOvers(input, ix, groups, unmatchedOld, carriedFrom, statsOf)) {
      if (!carried.has(s.old.identity_id) && !carriedFrom.has(s.g)) take(s.old, s.g);
    }
  }
  return { carriedFrom, carried };
}

/** Pairs (earlier identity, unclaimed group) whose centroids are at least the threshold alike, most alike first. */
function similarCarryOvers(input: PlanInput, ix: PlanIndex, groups: Group[], unmatchedOld: Identity[], carriedFrom: Map<Group, Identity>, statsOf: StatsOf) {
  const centroids = new Map<Group, Float32Array>();
  for (const g of groups) if (!carriedFrom.has(g)) {
    const s = statsOf(g);
    if (s.centroidNorm > 0) centroids.set(g, s.centroid);
  }
  const sims: Array<{ old: Identity; g: Group; sim: number }> = [];
  for (const old of unmatchedOld) {
    const rows = old.track_ids.map((t) => ix.vectorRow.get(t)).filter((r): r is number => r !== undefined && !ix.lockedTracks.has(input.vectorTrackOrder[r]));
    const s = embeddingStats(input.vectors, input.dim, rows);
    if (!(s.centroidNorm > 0)) continue;
    for (const [g, c] of centroids) {
      const sim = dot(s.centroid, c);
      if (sim >= input.clusterThresh) sims.push({ old, g, sim });
    }
  }
  sims.sort((x, y) => y.sim - x.sim || x.old.identity_id.localeCompare(y.old.identity_id));
  return sims;
}

/** One identity per group: a carried-over id and labels, else the next free id; cluster ids only for clusters. */
function freshIdentities(input: PlanInput, ix: PlanIndex, groups: Group[], clusterGroups: Set<Group>, carriedFrom: Map<Group, Identity>, statsOf: StatsOf) {
  const takenIds = new Set<string>([...ix.locked.map((p) => p.identity_id), ...[...carriedFrom.values()].map((o) => o.identity_id)]);
  const takenClusterIds = new Set<number>(ix.locked.map((p) => p.cluster_id).filter((c): c is number => c !== null));
  let nextId = 1;
  let nextCluster = 1;
  const needThumbs = new Map<string, string[]>();
  const fresh: Identity[] = groups.map((g) => {
    const old = carriedFrom.get(g);
    let id: string;
    if (old) id = old.identity_id;
    else {
      while (takenIds.has(formatIdentityId(nextId))) nextId++;
      id = formatIdentityId(nextId++);
    }
    let clusterId: number | null = null;
    if (clusterGroups.has(g)) {
      while (takenClusterIds.has(nextCluster)) nextCluster++;
      clusterId = nextCluster++;
    }
    const trackIds = g.tracks.map((i) => input.tracks[i].track_id);
    const s = statsOf(g);
    needThumbs.set(id, trackIds);
    return {
      identity_id: id,
      cluster_id: clusterId,
      track_ids: trackIds,
      canonical_face_path: identityThumbRef(id),
      embedding_stats: {
        centroid_norm: s.centroidNorm,
        variance: s.variance,
        num_tracks: trackIds.length,
        num_faces_total: trackIds.reduce((acc, t) => acc + (input.facesPerTrack.get(t) ?? 0), 0),
      },
      labels: old ? { ...old.labels } : {},
      locked: false,
      created_at: old ? old.created_at : input.now,
      updated_at: input.now,
    };
  });
  return { fresh, needThumbs };
}

function planMetadata(input: PlanInput, identities: Identity[]): IdentitiesDoc['metadata'] {
  const numTracks = identities.reduce((acc, i) => acc + i.track_ids.length, 0);
  const singletonTracks = identities.filter((i) => i.cluster_id === null).reduce((acc, i) => acc + i.track_ids.length, 0);
  const largest = identities.reduce((m, i) => Math.max(m, i.track_ids.length), 0);
  return {
    ep_id: input.epId,
    num_tracks: numTracks,
    num_clusters: identities.filter((i) => i.cluster_id !== null).length,
    num_singletons: singletonTracks,
    singleton_fraction: numTracks ? singletonTracks / numTracks : 0,
    largest_cluster_size: largest,
    largest_cluster_fraction: numTracks ? largest / numTracks : 0,
    cluster_thresh: input.clusterThresh,
    min_cluster_size: input.minClusterSize,
    algorithm: 'agglomerative',
    linkage: input.linkage,
    created_at: input.now,
    ...(input.modelId ? { model_id: input.modelId } : {}),
    embedding_dim: input.dim,
    ...(input.previous?.metadata.revision !== undefined ? { revision: input.previous.metadata.revision + 1 } : {}),
  };
}
