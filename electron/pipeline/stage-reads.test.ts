// Each stage declares the settings it reads (its file's `reads`, also its run_state.json fingerprint,
// checked on a real run in orchestrator.test.ts). Checked here against the settings schema and, for
// the stages that run without models, against what the stage's code actually touches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPipelineSettings, pipelineSettingsSchema, type PipelineSettings } from '../../shared/schema/settings';
import { makeFixtureEpisode } from '../../scripts/fixture-episode';
import { Workspace } from '../store/workspace';
import type { SettingKey, StageContext } from './context';
import { clusterEpisode, reads as clusterReads } from './cluster';
import { reads as detectReads } from './detect';
import { reads as harvestReads } from './harvest';
import { poolEpisode, reads as poolReads } from './pool';
import { reads as trackReads } from './track';

const STAGES: Record<string, readonly SettingKey[]> = { detect: detectReads, track: trackReads, harvest: harvestReads, pool: poolReads, cluster: clusterReads };
/** Settings that choose how a run happens, not what it writes, so no stage's output depends on them. */
const RUN_WIDE: SettingKey[] = ['device'];

test('every stage reads only settings that exist, and every setting is read by a stage or is run-wide', () => {
  const keys = Object.keys(pipelineSettingsSchema.shape);
  for (const [stage, reads] of Object.entries(STAGES)) {
    for (const k of reads) assert.ok(keys.includes(k), `${stage} reads "${k}", which is not a setting`);
    assert.equal(new Set(reads).size, reads.length, `${stage} lists a setting twice`);
  }
  const read = new Set([...Object.values(STAGES).flat(), ...RUN_WIDE]);
  assert.deepEqual(keys.filter((k) => !read.has(k as SettingKey)), [], 'settings no stage reads');
});

/** The settings object a stage gets, recording every key the stage looks at. */
function recording(settings: PipelineSettings) {
  const touched = new Set<string>();
  const proxy = new Proxy(settings, {
    get(target, key, receiver) {
      if (typeof key === 'string') touched.add(key);
      return Reflect.get(target, key, receiver);
    },
  });
  return { proxy, touched };
}

test('pool and cluster touch no setting beyond their `reads`', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'stage-reads-'));
  try {
    const epId = 'reads-s01e01';
    await makeFixtureEpisode({ workspace: dir, epId, identities: 3, tracksPerIdentity: 2, facesPerTrack: 3, withImages: false, dim: 128 });
    const ws = new Workspace(dir);
    const run = async (stage: (ctx: StageContext) => Promise<unknown>, reads: readonly SettingKey[]) => {
      const { proxy, touched } = recording(defaultPipelineSettings());
      await stage({ workspace: ws, epId, paths: ws.paths(epId), settings: proxy, progress: () => {}, signal: new AbortController().signal, log: () => {} });
      assert.deepEqual([...touched].filter((k) => !reads.includes(k as SettingKey)), [], 'read but not declared');
      return touched;
    };
    assert.deepEqual([...(await run(poolEpisode, poolReads))], []);
    const touched = await run((ctx) => clusterEpisode(ctx), clusterReads);
    assert.ok(touched.has('linkage') && touched.has('minClusterSize'), 'the recorder sees real reads');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
