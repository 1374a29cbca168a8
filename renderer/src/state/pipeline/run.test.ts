// The Run dialog's state under Node: the real pipeline slice over a fake host. A refused start keeps
// every typed value and puts the host's message next to the field it names; the dialog closes only
// once the run started; the file browser fills the path; presets and the settings form cover every
// setting; the stepper and the outcome words follow the job's progress.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, IpcFailure, type PipelineProgress } from '../../../../shared/ipc';
import { makeTestStore } from '../../../../test-support/review-store';
import { errorInfo } from '../../api/client';
import { dialog } from '../ui/dialogs';
import { applyPreset, analysisRate, PRESETS, presetOf } from './presets';
import { checkDraft, emptyDraft } from './run-draft';
import { runOutcome, runSteps } from './run-steps';
import { ADVANCED_GROUPS, FORM_KEYS, formField, MAIN_KEYS } from './settings-form';

const listing = (root: string | undefined, path: string, entries: { name: string; kind: 'dir' | 'video' }[]) => ({
  roots: [{ id: 'root-1', label: '/ws' }, { id: 'root-2', label: '/media/tv' }],
  ...(root ? { root } : {}),
  path,
  parent: root ? (path ? '' : null) : null,
  entries,
  truncated: false,
});

function storeWith(startAnswer: (req: { ep_id: string; video_path: string }) => unknown) {
  return makeTestStore((method, req) => {
    if (method === 'browseFiles') {
      const r = req as { root?: string; path: string };
      if (!r.root) return listing(undefined, '', []);
      return r.path ? listing(r.root, r.path, [{ name: 'show-s01e02.mp4', kind: 'video' }]) : listing(r.root, '', [{ name: 'season 1', kind: 'dir' }]);
    }
    if (method === 'startPipeline') return startAnswer(req as { ep_id: string; video_path: string });
    if (method === 'listEpisodes') return { episodes: [] };
    return null;
  }, errorInfo);
}

test('the browser fills the path and the episode id; a refused start keeps the draft and names the field', async () => {
  const { store, host } = storeWith((req) => {
    if (req.ep_id === 'show-s01e02') throw new IpcFailure({ code: 'invalid_request', reason: 'video_path', message: 'not a readable video: x' });
    return { run_id: 'r1' };
  });
  const s = () => store.getState();
  s().openDialog(dialog('run'));
  await s().browseTo({ path: '' });
  assert.equal(s().runBrowse.listing?.root, 'root-2', 'the first folder besides the workspace');
  await s().browseTo({ root: 'root-2', path: 'season 1' });
  s().pickVideo('show-s01e02.mp4');
  assert.equal(s().runDraft.video_path, '/media/tv/season 1/show-s01e02.mp4');
  assert.equal(s().runDraft.ep_id, 'show-s01e02', 'guessed from the file name');
  assert.equal(await s().submitRun(), false);
  assert.deepEqual(s().runErrors, { video_path: 'not a readable video: x' });
  assert.equal(s().dialog.kind, 'run', 'the dialog stays open');
  assert.equal(s().runDraft.video_path, '/media/tv/season 1/show-s01e02.mp4', 'nothing typed is lost');
  s().updateRunDraft({ ep_id: 'show-s01e03' });
  assert.deepEqual(s().runErrors, { video_path: 'not a readable video: x' }, 'editing another field keeps the message');
  s().updateRunDraft({ video_path: '/media/tv/season 1/show-s01e02.mp4 ' });
  assert.deepEqual(s().runErrors, {});
  assert.equal(await s().submitRun(), true);
  assert.equal(s().dialog.kind, 'none');
  assert.deepEqual(s().lastRun, { ep_id: 'show-s01e03', video_path: '/media/tv/season 1/show-s01e02.mp4', mode: 'new' });
  assert.equal(s().runDraft.ep_id, '', 'a started run clears the form for the next one');
  assert.equal(s().runDraft.browseAt.path, 'season 1', 'the browser stays where it was');
  assert.equal(host.calls.filter((c) => c.method === 'startPipeline').length, 2);
});

test('checks made before asking the host: empty or relative path, malformed id, an existing episode without Re-run', () => {
  const d = { ...emptyDraft(), video_path: 'clip.mp4', ep_id: 'Not An Id' };
  const e = checkDraft(d, new Set());
  assert.match(e.video_path ?? '', /full path/);
  assert.match(e.ep_id ?? '', /show-s01e02/);
  assert.match(checkDraft({ ...d, video_path: '/v/a.mp4', ep_id: 'show-s01e01' }, new Set(['show-s01e01'])).ep_id ?? '', /already exists.*Re-run/);
  assert.deepEqual(checkDraft({ ...d, video_path: '/v/a.mp4', ep_id: 'show-s01e01', rerun: true }, new Set(['show-s01e01'])), {});
});

test('resume starts the last run again as a re-run; events of a replaced run are ignored', async () => {
  const { store, host } = storeWith(() => ({ run_id: `r${host.calls.length}` }));
  const s = () => store.getState();
  s().updateRunDraft({ video_path: '/v/a.mp4', ep_id: 'show-s01e01' });
  await s().submitRun();
  const first = s().run!.run_id;
  s().runProgress({ ...s().run!, state: 'cancelled', stage: 'harvest' });
  await s().resumeRun();
  const starts = host.calls.filter((c) => c.method === 'startPipeline').map((c) => (c.req as { mode: string }).mode);
  assert.deepEqual(starts, ['new', 'rerun']);
  assert.notEqual(s().run!.run_id, first);
  s().runProgress({ run_id: first, ep_id: 'show-s01e01', state: 'cancelled', stage: 'harvest', done: 1, total: 2, rate: null, eta: null });
  assert.notEqual(s().run!.run_id, first, 'the old run does not replace the running one');
});

test('presets set the analysis rate and faces per track; every other setting is under Advanced with help', () => {
  assert.equal(presetOf(DEFAULT_SETTINGS), 'balanced');
  const fast = applyPreset(DEFAULT_SETTINGS, 'fast');
  assert.equal(presetOf(fast), 'fast');
  assert.equal(fast.device, DEFAULT_SETTINGS.device, 'other settings untouched');
  assert.ok(PRESETS[0].values.analyzeFps < PRESETS[1].values.analyzeFps && PRESETS[1].values.analyzeFps < PRESETS[2].values.analyzeFps);
  assert.equal(presetOf({ ...fast, stride: 3 }), 'custom');
  assert.equal(analysisRate(DEFAULT_SETTINGS), 'at most 10 frames/s analysed');
  assert.equal(analysisRate({ analyzeFps: 0, stride: 2 }), 'every 2nd frame analysed');
  const shown = [...MAIN_KEYS, ...ADVANCED_GROUPS.flatMap((g) => g.keys)];
  assert.deepEqual([...shown].sort(), [...FORM_KEYS].sort(), 'every setting exactly once');
  assert.equal(new Set(shown).size, shown.length);
  for (const k of FORM_KEYS) assert.ok(formField(k).help.length > 10, `${k} has help text`);
  assert.deepEqual(formField('clusterThresh'), { key: 'clusterThresh', kind: 'number', int: false, min: -1, max: 1, optional: true, help: formField('clusterThresh').help, label: 'Cluster threshold', testId: 'cluster-threshold' });
});

test('the stepper: stages before the reporting one are done; a stopped run marks its stage; words for each end', () => {
  const p = (state: PipelineProgress['state'], stage: string, message?: string): PipelineProgress => ({ run_id: 'r', ep_id: 'a-s01e01', state, stage, done: 1, total: 2, rate: null, eta: null, ...(message ? { message } : {}) });
  assert.deepEqual(runSteps(p('running', 'harvest')).map((s) => s.state), ['done', 'done', 'current', 'pending', 'pending']);
  assert.deepEqual(runSteps(p('running', 'starting')).map((s) => s.state), ['pending', 'pending', 'pending', 'pending', 'pending']);
  assert.deepEqual(runSteps(p('cancelled', 'track')).map((s) => s.state), ['done', 'stopped', 'pending', 'pending', 'pending']);
  assert.deepEqual(runSteps(p('done', 'cluster')).map((s) => s.state), ['done', 'done', 'done', 'done', 'done']);
  assert.match(runOutcome(p('cancelled', 'track')), /^cancelled while following faces into tracks \(track\)\. .*Resume/);
  assert.equal(runOutcome(p('failed', 'detect', 'pipeline job failed: model pack "nope" is not installed\n    at x')), 'failed while finding faces (detect): model pack "nope" is not installed. Retry resumes after the finished stages.');
  assert.match(runOutcome(p('done', 'cluster')), /^done/);
});
