// Cleanup compute at episode scale, in memory (no disk, no model): 1,500 tracks × 20 sampled faces of
// 512-d (100 identities, face = identity centre + Gaussian noise, same-person face cosine ≈ 0.55), of
// which 75 tracks switch person halfway. Times split_tracks, reembed (gate + outliers, no re-embedding)
// and recluster, and reports how many of the mixed tracks were split (and how many clean ones were).
import { formatFaceId, formatTrackId, type Face, type Track } from '../shared/schema';
import { gaussian, makeRng } from '../scripts/synth/rng';
import { splitTracks } from '../electron/pipeline/cleanup/split-tracks';
import { reembedFaces } from '../electron/pipeline/cleanup/reembed';
import { reclusterEpisode } from '../electron/pipeline/cleanup/recluster';
import { Workspace } from '../electron/store/workspace';

const EP = 'bench-s01e01';

export async function run(): Promise<void> {
  const ids = 100, numTracks = 1500, perTrack = 20, dim = 512, noise = 0.04, mixedEvery = 20;
  const rng = makeRng(7);
  const centres = Array.from({ length: ids }, () => {
    const c = Float64Array.from({ length: dim }, () => gaussian(rng));
    const n = Math.hypot(...c);
    return c.map((v) => v / n);
  });
  const tracks: Track[] = [];
  const faces: Face[] = [];
  const rows = new Float32Array(numTracks * perTrack * dim);
  const mixed = new Set<string>();
  for (let t = 0; t < numTracks; t++) {
    const id = formatTrackId(t + 1);
    const a = Math.floor(rng() * ids);
    const b = (a + 1 + Math.floor(rng() * (ids - 1))) % ids;
    if (t % mixedEvery === 0) mixed.add(id);
    const start = t * 40;
    tracks.push({ track_id: id, ep_id: EP, start_s: start / 25, end_s: (start + 39) / 25, frame_span: [start, start + 39], sample_thumbs: [], stats: { detections: 40, avg_conf: 0.9 }, schema_version: 'track_v1' });
    for (let k = 0; k < perTrack; k++) {
      const c = centres[mixed.has(id) && k >= perTrack / 2 ? b : a];
      const v = c.map((x) => x + noise * gaussian(rng));
      const n = Math.hypot(...v);
      const row = faces.length;
      for (let d = 0; d < dim; d++) rows[row * dim + d] = v[d] / n;
      faces.push({
        face_id: formatFaceId((row % 99999) + 1),
        track_id: id,
        frame_idx: start + 2 * k,
        bbox: [0.4, 0.4, 0.5, 0.5],
        landmarks: [0.43, 0.43, 0.47, 0.43, 0.45, 0.45, 0.43, 0.48, 0.47, 0.48],
        embedding: Array.from(rows.subarray(row * dim, (row + 1) * dim)),
        quality_score: 0.3 + 0.7 * rng(),
        crop_path: '',
      });
    }
  }
  console.log(`tracks ${numTracks} (${mixed.size} switch person halfway), faces ${faces.length}, dim ${dim}`);

  let t = performance.now();
  const split = splitTracks(tracks, faces, rows, dim, { splitCosine: 0.3, protectedTracks: new Set() });
  const tSplit = performance.now() - t;
  const caught = split.splits.filter((s) => mixed.has(s.from)).length;
  console.log(`split_tracks: ${(tSplit / 1000).toFixed(2)} s; mixed tracks split ${caught}/${mixed.size}, clean tracks split ${split.splits.length - caught}/${numTracks - mixed.size}`);

  t = performance.now();
  const re = await reembedFaces(split.faces, rows, dim, split.tracks, {
    strictGate: 0.45,
    outlierCosine: 0.3,
    protectedTracks: new Set(),
    modelId: 'bench',
    workspace: new Workspace('.'),
    epId: EP,
    signal: new AbortController().signal,
    log: () => {},
  });
  console.log(`reembed (gate + outliers, nothing re-embedded): ${((performance.now() - t) / 1000).toFixed(2)} s; ${re.summary.faces_rejected} rejected`);

  t = performance.now();
  const rc = await reclusterEpisode({
    epId: EP, tracks: split.tracks, faces: re.faces, rows: re.rows, dim, previous: null, clusterThresh: 0.4, minClusterSize: 2,
    linkage: 'average', modelId: 'bench', parentOf: new Map(), now: new Date().toISOString(),
  });
  console.log(`recluster (${split.tracks.length} tracks, average linkage): ${((performance.now() - t) / 1000).toFixed(2)} s → ${rc.plan.doc.identities.length} identities (${ids} people)`);
}
