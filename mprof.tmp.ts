import { makeFixtureEpisode } from './scripts/fixture-episode';
import { makeTempWorkspace } from './e2e/fixtures';
import { startHost } from './e2e/host';
const EP = 'bench-s01e01';
const workspace = makeTempWorkspace('sa-mprof-');
await makeFixtureEpisode({ workspace, epId: EP, identities: 300, tracksPerIdentity: 7, tracks: 2000, facesPerTrack: 50, withImages: false });
const host = await startHost(workspace);
const s = host.service;
let st = await s.openEpisode({ ep_id: EP });
const ids = st.identities.identities.map((i: any) => i.identity_id);
for (let k = 0; k < 5; k++) {
  const t = performance.now();
  st = await s.applyReview({ ep_id: EP, revision: st.revision, command: { op: 'merge', target_id: ids[2 * k], source_ids: [ids[2 * k + 1]], allow_overlap: true, force: true } as any });
  const t1 = performance.now();
  st = await s.applyReview({ ep_id: EP, revision: st.revision, command: { op: 'label', identity_id: ids[40 + k], name: 'X' + k } as any });
  console.log('merge ms', (t1 - t).toFixed(0), 'label ms', (performance.now() - t1).toFixed(0));
}
await host.close?.();
process.exit(0);
