// The cast library as a projection of review edits: writes of one show are serialised across
// processes (two libraries on one workspace stand in for two processes: each has its own in-process
// queue, so only the show's lock file keeps them apart), and a projection that fails is reported with
// the edit's response instead of being dropped.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFixtureEpisode, type FixtureEpisode } from '../../scripts/fixture-episode';
import { Workspace } from '../store/workspace';
import { CastLibrary } from './cast-library';
import { readCastPair, writeCastPair } from './cast-store';
import { ReviewService } from './review-service';

let root: string;
let ep: FixtureEpisode;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sa-cast-projection-'));
  ep = await makeFixtureEpisode({ workspace: root, epId: 'proj-s01e01', identities: 4, tracksPerIdentity: 2, facesPerTrack: 2, withImages: false, seed: 3, dim: 128 });
});
after(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

test('two writers of one show (two processes) lose no update: each read-modify-write holds the show\'s lock', async () => {
  const a = new CastLibrary(new Workspace(root));
  const b = new CastLibrary(new Workspace(root));
  const writes = Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).reject('other-s01e01', `identity-${String(i + 1).padStart(5, '0')}`, 'someone'));
  await Promise.all(writes);
  const { state } = await readCastPair(new Workspace(root), 'other');
  assert.equal(state.doc.rejections.length, 12, 'every rejection of both writers is in the library');
});

test('a review edit whose cast projection fails is saved and says so in its response; the next edit after the cause is fixed projects', async () => {
  const svc = new ReviewService({ workspace: root, host: 'test' });
  const EP = ep.epId;
  let st: { revision: number; warnings?: string[] } = await svc.openEpisode({ ep_id: EP });
  st = await svc.applyReview({ ep_id: EP, revision: st.revision, command: { op: 'label', identity_id: ep.identityIds[0], name: 'Ada Lovelace' } });
  st = await svc.applyReview({ ep_id: EP, revision: st.revision, command: { op: 'lock', identity_id: ep.identityIds[0], locked: true } });
  assert.equal(st.warnings, undefined);
  const ws = new Workspace(root);
  const lib = (await readCastPair(ws, 'proj')).state;
  assert.equal(lib.doc.references.length, 2, 'the locked, labeled identity taught the library its two tracks');

  // The library now holds embeddings of another model: this episode's references cannot join it.
  await writeCastPair(ws, { ...lib, doc: { ...lib.doc, model_id: 'another-model' } });
  const edited = await svc.applyReview({ ep_id: EP, revision: st.revision, command: { op: 'label', identity_id: ep.identityIds[1], name: 'Grace Hopper' } });
  assert.equal(edited.revision, st.revision + 1, 'the edit itself is saved');
  assert.equal(edited.identities.identities[1].labels.name, 'Grace Hopper');
  assert.equal(edited.warnings?.length, 1, JSON.stringify(edited.warnings));
  assert.match(edited.warnings![0], /^Saved, but the cast library was not updated: cast library of proj holds another-model embeddings; proj-s01e01 was embedded with fixture/);
  // Told once: the following response carries no stale warning.
  const reopened = await svc.openEpisode({ ep_id: EP });
  assert.equal(reopened.warnings, undefined);

  await writeCastPair(ws, { ...lib, doc: { ...lib.doc, model_id: 'fixture' } });
  const next = await svc.applyReview({ ep_id: EP, revision: reopened.revision, command: { op: 'lock', identity_id: ep.identityIds[1], locked: true } });
  assert.equal(next.warnings, undefined);
  assert.equal((await readCastPair(ws, 'proj')).state.doc.references.length, 4, 'both confirmed identities are in the library again');
  await svc.close();
});
