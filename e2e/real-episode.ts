// A real episode for e2e tests: the Friends demo clip through the whole pipeline with the default
// pack (exactly `npm run demo`), run once per test file and copied under other episode ids so each
// test starts from the same untouched pipeline output. Also: who is who in it, found from the data
// (the clip's known mistakes), and the on-disk checks every step ends with.
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { episodePaths } from '../shared/layout';
import type { IdentitiesDoc, Identity } from '../shared/schema';
import { EVAL_DIR } from '../electron/models/eval-pack';
import { runPipeline } from '../electron/pipeline/orchestrator';
import { readNpy } from '../electron/store/npy';
import { formatReport, validateEpisode } from '../electron/store/validate';
import { Workspace } from '../electron/store/workspace';
import { episodeArtifacts } from '../electron/store/artifacts';
import { labelBoxes, labelsDocSchema, NEUTRAL } from '../scripts/eval-real/labels';
import type { Box } from '../shared/cluster/trackmatch';
import { readRunDetections } from '../scripts/eval-real/run-tracks';
import { repoRoot } from './fixtures';

export const FRIENDS_VIDEO = join(EVAL_DIR, 'videos', 'sitcom_friends_group.mp4');

/** Copies every file of episode `from` to episode `to` (same show layout), renaming the ep_id inside manifests. */
export function copyEpisode(workspace: string, from: string, to: string): void {
  const a = episodePaths(from), b = episodePaths(to);
  const pairs: [string, string][] = [
    [a.manifestsDir, b.manifestsDir],
    [a.embedsDir, b.embedsDir],
    [a.cropsDir, b.cropsDir],
    [a.trackThumbsDir, b.trackThumbsDir],
    [a.identityThumbsDir, b.identityThumbsDir],
  ];
  for (const [src, dst] of pairs) if (existsSync(join(workspace, src))) cpSync(join(workspace, src), join(workspace, dst), { recursive: true });
  const rename = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) rename(p);
      else if (/\.jsonl?$/.test(name)) writeFileSync(p, readFileSync(p, 'utf8').replaceAll(`"${from}"`, `"${to}"`));
    }
  };
  rename(join(workspace, b.manifestsDir));
  rename(join(workspace, b.embedsDir));
}

/** Runs the demo pipeline into `workspace` as `epIds[0]` and copies it to the other ids. */
export async function friendsDemo(workspace: string, epIds: string[]): Promise<void> {
  assert.ok(existsSync(FRIENDS_VIDEO), `eval video missing: ${FRIENDS_VIDEO}`);
  const [first, ...rest] = epIds;
  await runPipeline({ videoPath: FRIENDS_VIDEO, workspace, epId: first });
  for (const ep of rest) copyEpisode(workspace, first, ep);
  for (const ep of epIds) await assertValid(workspace, ep);
}

export function readIdentities(workspace: string, epId: string): IdentitiesDoc {
  return JSON.parse(readFileSync(join(workspace, episodePaths(epId).identities), 'utf8')) as IdentitiesDoc;
}

export function identityOf(doc: IdentitiesDoc, trackId: string): Identity {
  const i = doc.identities.find((x) => x.track_ids.includes(trackId));
  assert.ok(i, `no identity holds ${trackId}`);
  return i;
}

/** `screenalytics validate` on the episode: no problems at all. */
export async function assertValid(workspace: string, epId: string): Promise<void> {
  const report = await validateEpisode(new Workspace(workspace), epId);
  assert.ok(report.ok, formatReport(report));
}

interface TrackRow { track_id: string; start_s: number; end_s: number; frame_span: [number, number] }
interface FaceRow { track_id: string; frame_idx: number }

export function readTracks(workspace: string, epId: string): TrackRow[] {
  return readFileSync(join(workspace, episodePaths(epId).tracks), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TrackRow);
}

/** The labeled person of every face of the episode (faces.jsonl order), from eval/labels (null: no label). */
export async function facePeople(workspace: string, epId: string): Promise<{ rows: FaceRow[]; person: (string | null)[] }> {
  const ws = new Workspace(workspace);
  const labels = labelsDocSchema.parse(JSON.parse(readFileSync(join(repoRoot, 'eval', 'labels', 'sitcom_friends_group.json'), 'utf8')));
  const run = await readRunDetections(ws, epId);
  const tsOf = new Map(run.meta.frames.map(([f, t]) => [f, t]));
  const faces = await episodeArtifacts(ws, epId).readFaces();
  const person = labelBoxes(labels, faces.map((f) => ({ ts: tsOf.get(f.frame_idx) ?? -1, bbox: f.bbox as unknown as Box })));
  return { rows: faces.map((f) => ({ track_id: f.track_id, frame_idx: f.frame_idx })), person };
}

/** The most frequent cast name among `names` (other/unknown/unlabelled left out), or null. */
export const majority = (names: readonly (string | null)[]) => {
  const n = new Map<string, number>();
  for (const x of names) if (x && !NEUTRAL.has(x)) n.set(x, (n.get(x) ?? 0) + 1);
  return [...n].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
};

/**
 * Who is who in the Friends run, from the eval labels (eval/README.md): each identity's and track's
 * majority person, another person's track clustered into a Joey identity (Chandler's in the issue),
 * and a track holding two people (the camera pan from Joey to Ross, which the harvest now cuts) — the
 * clip's known mistakes.
 */
export async function friendsCast(workspace: string, epId: string) {
  const { rows, person } = await facePeople(workspace, epId);
  const doc = readIdentities(workspace, epId);
  const facesOf = (tracks: string[]) => rows.map((r, i) => [r, i] as const).filter(([r]) => tracks.includes(r.track_id)).sort((a, b) => a[0].frame_idx - b[0].frame_idx);
  const whoTrack = (t: string) => majority(facesOf([t]).map(([, i]) => person[i]));
  const whoIdentity = (i: Identity) => majority(facesOf(i.track_ids).map(([, k]) => person[k]));
  // Another person's track inside a Joey identity (Chandler's with the 9b40f6d pack, Monica's profile since).
  const intruder = doc.identities
    .filter((i) => i.track_ids.length >= 2 && whoIdentity(i) === 'joey')
    .flatMap((i) => i.track_ids.map((t) => ({ track: t, person: whoTrack(t) })))
    .filter((x) => x.person && x.person !== 'joey')
    .sort((a, b) => Number(b.person === 'chandler') - Number(a.person === 'chandler'))[0];
  const panTrack = [...new Set(rows.map((r) => r.track_id))].find((t) => {
    const names = facesOf([t]).map(([, i]) => person[i]);
    const firstJoey = names.indexOf('joey'), lastRoss = names.lastIndexOf('ross');
    return firstJoey >= 0 && lastRoss > firstJoey;
  });
  const identityOfPerson = (name: string, not?: string) =>
    doc.identities.filter((i) => i.identity_id !== not && whoIdentity(i) === name).sort((a, b) => b.track_ids.length - a.track_ids.length)[0];
  return { intruder, panTrack, identityOfPerson, personOfTrack: whoTrack, personOfFace: (i: number) => person[i] };
}

/** Faces of the episode (faces.jsonl order = faces.npy rows) with their embeddings. */
export async function readFaces(workspace: string, epId: string): Promise<{ rows: FaceRow[]; emb: (i: number) => Float32Array }> {
  const p = episodePaths(epId);
  const rows = readFileSync(join(workspace, p.faces), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as FaceRow);
  const npy = await readNpy(join(workspace, p.facesNpy));
  const dim = npy.shape[1];
  return { rows, emb: (i) => npy.data.subarray(i * dim, (i + 1) * dim) };
}

export const cosine = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += a[i] * b[i];
  return d;
};
