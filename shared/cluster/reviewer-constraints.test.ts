import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyCommand } from '../commands/apply';
import { emptyHistory, recordStep, redo, undo, type History } from '../commands/history';
import type { AnyCommand, CommandContext } from '../commands/schema';
import { emptyConstraints, formatTrackId, identitiesDocSchema, type IdentitiesDoc, type ReviewConstraints } from '../schema';
import { makeRng, type Rng } from '../rng';
import { planIdentities, type PlanInput } from './plan';
import { constraintViolations, recordEdit, translateConstraints } from './reviewer-constraints';

const NOW = '2026-01-02T03:04:05.000Z';
const T = (n: number) => formatTrackId(n);

function doc(groups: number[][]): IdentitiesDoc {
  const identities = groups.map((g, k) => ({
    identity_id: `identity-${String(k + 1).padStart(5, '0')}`,
    cluster_id: g.length > 1 ? k + 1 : null,
    track_ids: g.map(T),
    canonical_face_path: '',
    embedding_stats: { centroid_norm: 1, variance: 0, num_tracks: g.length, num_faces_total: 0 },
    labels: {},
    locked: false,
    created_at: NOW,
    updated_at: NOW,
  }));
  const n = groups.flat().length;
  return identitiesDocSchema.parse({
    identities,
    metadata: { ep_id: 'demo-s01e01', num_tracks: n, num_clusters: 0, num_singletons: 0, singleton_fraction: 0, largest_cluster_size: 0, largest_cluster_fraction: 0, cluster_thresh: 0.5, min_cluster_size: 2, algorithm: 'agglomerative', linkage: 'average', created_at: NOW },
  });
}

const apply = (d: IdentitiesDoc, c: ReviewConstraints, command: AnyCommand) => {
  const r = applyCommand(d, command, NOW, { constraints: c });
  assert.ok(r.ok, r.ok ? '' : r.message);
  return r;
};

test('merge, split, move and remove record must-link, cannot-link and excluded facts', () => {
  let d = doc([[1, 2], [3], [4, 5, 6]]);
  let c = emptyConstraints();
  ({ doc: d, constraints: c } = apply(d, c, { op: 'merge', target_id: 'identity-00001', source_ids: ['identity-00002'] }) as { doc: IdentitiesDoc; constraints: ReviewConstraints });
  assert.deepEqual(c.must_link, [[T(1), T(2), T(3)]]);
  ({ doc: d, constraints: c } = apply(d, c, { op: 'split', identity_id: 'identity-00003', track_ids: [T(6)] }) as { doc: IdentitiesDoc; constraints: ReviewConstraints });
  assert.deepEqual(c.must_link, [[T(1), T(2), T(3)], [T(4), T(5)]]);
  assert.deepEqual(c.cannot_link, [[[T(4), T(5)], [T(6)]]]);
  ({ doc: d, constraints: c } = apply(d, c, { op: 'removeTrack', track_id: T(3) }) as { doc: IdentitiesDoc; constraints: ReviewConstraints });
  assert.deepEqual(c.must_link, [[T(1), T(2)], [T(4), T(5)]]);
  assert.deepEqual(c.excluded, [T(3)]);
  assert.deepEqual(c.cannot_link, [[[T(1), T(2)], [T(3)]], [[T(4), T(5)], [T(6)]]]);
  // A later move of the removed track undoes its exclusion and its separation from its new identity.
  ({ doc: d, constraints: c } = apply(d, c, { op: 'moveTracks', track_ids: [T(3)], to_identity_id: 'identity-00001' }) as { doc: IdentitiesDoc; constraints: ReviewConstraints });
  assert.deepEqual(c.excluded, []);
  assert.deepEqual(c.must_link, [[T(1), T(2), T(3)], [T(4), T(5)]]);
  assert.deepEqual(c.cannot_link, [[[T(4), T(5)], [T(6)]]]);
  assert.deepEqual(constraintViolations(d, c), []);
});

test('labels and locks record nothing; the inverse puts the constraints back', () => {
  const d = doc([[1], [2]]);
  const c0 = emptyConstraints();
  const labeled = apply(d, c0, { op: 'label', identity_id: 'identity-00001', name: 'Joey' });
  assert.equal(labeled.constraints, c0);
  const merged = apply(d, c0, { op: 'merge', target_id: 'identity-00001', source_ids: ['identity-00002'] });
  assert.deepEqual(merged.constraints!.must_link, [[T(1), T(2)]]);
  const back = apply(merged.doc, merged.constraints!, merged.inverse);
  assert.deepEqual(back.constraints, c0);
  assert.deepEqual(back.doc.identities, d.identities);
  const again = apply(back.doc, back.constraints!, back.inverse);
  assert.deepEqual(again.constraints, merged.constraints);
});

// ---- property test -------------------------------------------------------------------------------

const DIM = 6;
interface World { tracks: PlanInput['tracks']; vectors: Float32Array; order: string[] }

/** nPeople directions; each track a noisy copy of its person's; some spans overlap (two on screen). */
function world(rng: Rng, nTracks: number, nPeople: number): World {
  const people = Array.from({ length: nPeople }, () => unit(Array.from({ length: DIM }, () => rng() * 2 - 1)));
  const vectors = new Float32Array(nTracks * DIM);
  const tracks = Array.from({ length: nTracks }, (_, i) => {
    const p = people[Math.floor(rng() * nPeople)];
    vectors.set(unit(p.map((x) => x + (rng() - 0.5) * 0.6)), i * DIM);
    const start = Math.floor(rng() * 400);
    return { track_id: T(i + 1), frame_span: [start, start + 5 + Math.floor(rng() * 60)] as [number, number] };
  });
  return { tracks, vectors, order: tracks.map((t) => t.track_id) };
}
function unit(v: number[]): number[] {
  const n = Math.hypot(...v) || 1;
  return v.map((x) => x / n);
}

function plan(w: World, previous: IdentitiesDoc | null, constraints: ReviewConstraints) {
  return planIdentities({
    epId: 'demo-s01e01', tracks: w.tracks, vectors: w.vectors, vectorTrackOrder: w.order, dim: DIM,
    facesPerTrack: new Map(), previous, clusterThresh: 0.6, minClusterSize: 2, linkage: 'average', now: NOW, constraints,
  }).doc;
}

const pick = <X>(rng: Rng, xs: readonly X[]): X => xs[Math.floor(rng() * xs.length)];

/** A random reviewer edit that applies to `d` (null when none fits this draw). */
function randomEdit(rng: Rng, d: IdentitiesDoc): AnyCommand | null {
  const ids = d.identities;
  const multi = ids.filter((i) => i.track_ids.length > 1);
  const r = rng();
  if (r < 0.3 && ids.length > 1) {
    const target = pick(rng, ids);
    const source = pick(rng, ids.filter((i) => i !== target));
    return { op: 'merge', target_id: target.identity_id, source_ids: [source.identity_id], force: true, allow_overlap: true };
  }
  if (r < 0.5 && multi.length) {
    const from = pick(rng, multi);
    const take = from.track_ids.filter(() => rng() < 0.5).slice(0, from.track_ids.length - 1);
    return take.length ? { op: 'split', identity_id: from.identity_id, track_ids: take, force: true } : null;
  }
  if (r < 0.7 && ids.length > 1) {
    const to = pick(rng, ids);
    const track = pick(rng, ids.filter((i) => i !== to).flatMap((i) => i.track_ids));
    return { op: 'moveTracks', track_ids: [track], to_identity_id: to.identity_id, force: true, allow_overlap: true };
  }
  if (r < 0.8 && multi.length) return { op: 'removeTrack', track_id: pick(rng, pick(rng, multi).track_ids), force: true };
  if (r < 0.9) return { op: 'label', identity_id: pick(rng, ids).identity_id, name: pick(rng, ['Joey', 'Ross', 'Monica']), force: true };
  return { op: 'lock', identity_id: pick(rng, ids).identity_id, locked: rng() < 0.3 };
}

interface Review { doc: IdentitiesDoc; c: ReviewConstraints; h: History }

/** One random step: an edit (recorded in the history), an undo or a redo. */
function step(rng: Rng, s: Review): Review {
  const ctx: CommandContext = { constraints: s.c };
  const u = rng();
  if (u < 0.12 || u < 0.18) {
    const r = (u < 0.12 ? undo : redo)(s.h, s.doc, NOW, ctx);
    return r.ok ? { doc: r.doc, c: r.constraints!, h: r.history } : s;
  }
  const command = randomEdit(rng, s.doc);
  if (!command) return s;
  const r = applyCommand(s.doc, command, NOW, ctx);
  return r.ok ? { doc: r.doc, c: r.constraints!, h: recordStep(s.h, command.op, r.inverse) } : s;
}

test('property: random reviewer edits, then re-cluster, cleanup-style track splits and a re-run renumbering never break a recorded constraint', () => {
  for (let seed = 1; seed <= 60; seed++) {
    const rng = makeRng(seed);
    const w = world(rng, 8 + Math.floor(rng() * 14), 2 + Math.floor(rng() * 4));
    let s: Review = { doc: plan(w, null, emptyConstraints()), c: emptyConstraints(), h: emptyHistory() };
    const steps = 3 + Math.floor(rng() * 15);
    for (let k = 0; k < steps; k++) {
      s = step(rng, s);
      assert.deepEqual(constraintViolations(s.doc, s.c), [], `seed ${seed}, step ${k}: the edited document itself`);
    }
    const why = `seed ${seed} (${steps} edits, constraints ${JSON.stringify(s.c)})`;

    // Re-cluster (the cluster stage and cleanup's recluster share planIdentities).
    const re = plan(w, s.doc, s.c);
    assert.deepEqual(constraintViolations(re, s.c), [], `${why}: re-cluster`);

    // Cleanup split_tracks: one track becomes two new ones (halves keep the parent's facts).
    const victim = pick(rng, w.order);
    const n = w.order.length;
    const into = [T(n + 1), T(n + 2)];
    const vi = w.order.indexOf(victim);
    const span = w.tracks[vi].frame_span;
    const mid = Math.floor((span[0] + span[1]) / 2);
    const split: World = {
      tracks: [...w.tracks.filter((t) => t.track_id !== victim), { track_id: into[0], frame_span: [span[0], mid] }, { track_id: into[1], frame_span: [mid + 1, span[1]] }],
      vectors: new Float32Array([...w.vectors.slice(0, vi * DIM), ...w.vectors.slice((vi + 1) * DIM), ...w.vectors.slice(vi * DIM, (vi + 1) * DIM), ...unit([...w.vectors.slice(vi * DIM, (vi + 1) * DIM)].map((x) => x + (rng() - 0.5) * 0.8))]),
      order: [...w.order.filter((t) => t !== victim), ...into],
    };
    const cSplit = translateConstraints(s.c, (t) => (t === victim ? into : undefined));
    const prevSplit = { ...s.doc, identities: s.doc.identities.map((i) => ({ ...i, track_ids: i.track_ids.flatMap((t) => (t === victim ? into : [t])) })) };
    assert.deepEqual(constraintViolations(plan(split, prevSplit, cSplit), cSplit), [], `${why}: cleanup split of ${victim}`);

    // A re-run that renumbers every track (the remap's old_to_new), then clusters again.
    const renum = new Map(w.order.map((t, i) => [t, T(100 + n - i)]));
    const rerun: World = { tracks: w.tracks.map((t) => ({ ...t, track_id: renum.get(t.track_id)! })), vectors: w.vectors, order: w.order.map((t) => renum.get(t)!) };
    const cRerun = translateConstraints(s.c, (t) => [renum.get(t)!]);
    const prevRerun = { ...s.doc, identities: s.doc.identities.map((i) => ({ ...i, track_ids: i.track_ids.map((t) => renum.get(t)!) })) };
    assert.deepEqual(constraintViolations(plan(rerun, prevRerun, cRerun), cRerun), [], `${why}: re-run`);
  }
});

test('recordEdit: an edit that reshapes nothing leaves the constraints as they were', () => {
  const d = doc([[1, 2]]);
  const c = { ...emptyConstraints(), excluded: [T(9)] };
  assert.equal(recordEdit(c, d, d), c);
});
