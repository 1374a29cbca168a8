// episode:delete and the run input checks, through the one dispatcher: a half-made episode goes (every
// folder, and the episodes list no longer shows it), one with reviewer edits is refused unless forced,
// leftovers of a delete cut short are swept; pipeline:start refuses a missing or unreadable video and a
// taken episode id naming the field, and starts a re-run when asked.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFixtureEpisode } from '../../scripts/fixture-episode';
import { episodeFolders, episodePaths, workspaceFiles } from '../../shared/layout';
import type { Envelope } from '../../shared/ipc';
import { createDispatcher, type Dispatch } from '../host/dispatch';
import { EVAL_DIR } from '../models/eval-pack';
import type { LaunchOptions } from './pipeline';
import { ReviewService } from './review-service';

const CLIP = join(EVAL_DIR, 'videos', 'short_hamilton_clip.mp4');
let ws: string;
let service: ReviewService;
let dispatch: Dispatch;
const launched: LaunchOptions[] = [];

before(async () => {
  ws = await mkdtemp(join(tmpdir(), 'sa-delete-'));
  for (const epId of ['half-s01e01', 'edited-s01e02', 'kept-s01e03']) {
    await makeFixtureEpisode({ workspace: ws, epId, identities: 2, tracksPerIdentity: 2, facesPerTrack: 2 });
  }
  // Half-made: a run cut during harvest leaves detections and tracks, crops, and no identities or embeddings.
  const half = episodePaths('half-s01e01');
  await rm(join(ws, half.identities));
  await rm(join(ws, half.embedsDir), { recursive: true });
  const never = new Promise<never>(() => undefined);
  service = new ReviewService({ workspace: ws, host: 'test', launcher: (o) => (launched.push(o), { cancel: async () => undefined, done: never }) });
  dispatch = createDispatcher(service);
});
after(async () => {
  await service.close();
  await rm(ws, { recursive: true, force: true });
});

const listed = async () => ((await dispatch('episodes:list', {})) as Extract<Envelope, { ok: true }>).data as { episodes: { ep_id: string }[] };
const refusal = (r: Envelope) => {
  assert.equal(r.ok, false, JSON.stringify(r));
  return (r as Extract<Envelope, { ok: false }>).error;
};

test('a half-made episode is deleted: every folder gone, no longer listed, the others untouched', async () => {
  assert.ok(episodeFolders('half-s01e01').slice(0, 1).every((f) => existsSync(join(ws, f))));
  assert.ok(existsSync(join(ws, episodePaths('half-s01e01').cropsDir)), 'the fixture has crops to remove');
  const r = await dispatch('episode:delete', { ep_id: 'half-s01e01' });
  assert.deepEqual(r, { ok: true, data: { deleted: true, had_edits: false } });
  for (const f of episodeFolders('half-s01e01')) assert.equal(existsSync(join(ws, f)), false, f);
  assert.deepEqual((await listed()).episodes.map((e) => e.ep_id), ['edited-s01e02', 'kept-s01e03']);
  assert.deepEqual(await readdir(join(ws, workspaceFiles.trashDir)), [], 'nothing left in the trash');
  assert.equal(refusal(await dispatch('episode:delete', { ep_id: 'half-s01e01' })).code, 'not_found');
});

test('an episode with reviewer edits is refused, and deleted only with force', async () => {
  const opened = (await dispatch('episode:open', { ep_id: 'edited-s01e02' })) as Extract<Envelope, { ok: true }>;
  const revision = (opened.data as { revision: number }).revision;
  const edit = await dispatch('review:apply', { ep_id: 'edited-s01e02', revision, command: { op: 'label', identity_id: 'identity-00001', name: 'Joey' } });
  assert.ok(edit.ok, JSON.stringify(edit));
  const err = refusal(await dispatch('episode:delete', { ep_id: 'edited-s01e02' }));
  assert.equal(err.code, 'conflict');
  assert.equal(err.reason, 'has_edits');
  assert.match(err.message, /1 review edit.*1 locked or labeled identity/);
  assert.ok(existsSync(join(ws, episodePaths('edited-s01e02').identities)), 'refused: nothing removed');
  const forced = await dispatch('episode:delete', { ep_id: 'edited-s01e02', force: true });
  assert.deepEqual(forced, { ok: true, data: { deleted: true, had_edits: true } });
  assert.deepEqual((await listed()).episodes.map((e) => e.ep_id), ['kept-s01e03']);
});

test('what a delete cut short left in the trash is swept by the next delete', async () => {
  const left = join(ws, workspaceFiles.trashDir, 'old-s01e09-1-abc', '0');
  await mkdir(left, { recursive: true });
  await writeFile(join(left, 'tracks.jsonl'), '{}\n');
  await makeFixtureEpisode({ workspace: ws, epId: 'other-s01e04', identities: 1, tracksPerIdentity: 1, facesPerTrack: 1, withImages: false });
  assert.ok((await dispatch('episode:delete', { ep_id: 'other-s01e04' })).ok);
  assert.deepEqual(await readdir(join(ws, workspaceFiles.trashDir)), []);
});

test('pipeline:start checks its input and names the field; a re-run of an existing episode starts when asked', async () => {
  const start = (req: object) => dispatch('pipeline:start', { ep_id: 'kept-s01e03', video_path: CLIP, ...req });
  const taken = refusal(await start({ mode: 'new' }));
  assert.deepEqual([taken.code, taken.reason], ['conflict', 'ep_id']);
  const missing = refusal(await start({ video_path: join(ws, 'nope.mp4'), mode: 'rerun' }));
  assert.deepEqual([missing.code, missing.reason], ['not_found', 'video_path']);
  const folder = refusal(await start({ video_path: ws, mode: 'rerun' }));
  assert.deepEqual([folder.code, folder.reason], ['invalid_request', 'video_path']);
  const text = join(ws, 'notes.mp4');
  await writeFile(text, 'not a video');
  const unreadable = refusal(await start({ video_path: text, mode: 'rerun' }));
  assert.deepEqual([unreadable.code, unreadable.reason], ['invalid_request', 'video_path']);
  assert.match(unreadable.message, /not a readable video/);
  assert.equal(launched.length, 0, 'nothing was started');
  const ok = await start({ mode: 'rerun' });
  assert.ok(ok.ok, JSON.stringify(ok));
  assert.deepEqual(launched.map((l) => [l.epId, l.video]), [['kept-s01e03', CLIP]]);
  const busy = refusal(await dispatch('episode:delete', { ep_id: 'kept-s01e03' }));
  assert.deepEqual([busy.code, busy.reason], ['conflict', 'running'], 'a running episode is not deleted');
  const again = refusal(await start({ mode: 'rerun' }));
  assert.deepEqual([again.code, again.reason], ['conflict', 'ep_id'], 'one run per episode at a time');
});
