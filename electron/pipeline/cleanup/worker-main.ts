// Body of the cleanup worker thread (worker.ts starts it): loads the episode's model pack when the
// cleanup may re-embed, runs runCleanup with an AbortSignal the 'cancel' message trips, and posts
// progress (throttled like the pipeline worker: every step change and last update, else ≤ 10/s), logs,
// the result or the error.
import { parentPort } from 'node:worker_threads';
import type { LoadedPack } from '../../models/types';
import { Workspace } from '../../store/workspace';
import { runCleanup, type CleanupProgress } from './cleanup';
import { resolveCleanupPack, type CleanupFromWorker, type CleanupToWorker } from './worker-protocol';
import { dropRedoMarkers, pushBackupStep } from '../../store/review';
import { throttleProgress } from '../progress-throttle';

const port = parentPort;
if (!port) throw new Error('cleanup worker-main must run in a worker thread');
const post = (m: CleanupFromWorker) => port.postMessage(m);
const controller = new AbortController();
let started = false;

const onProgress = throttleProgress((p: CleanupProgress) => p.step, (progress) => post({ type: 'progress', progress }));
const log = (level: 'info' | 'warn' | 'error', message: string) => post({ type: 'log', level, message });

async function main(opts: Extract<CleanupToWorker, { type: 'start' }>['opts']) {
  const workspace = new Workspace(opts.workspace);
  let pack: LoadedPack | undefined;
  if (opts.actions.includes('reembed')) pack = await resolveCleanupPack(workspace, opts, log);
  try {
    const result = await runCleanup({
      workspace,
      epId: opts.epId,
      actions: opts.actions,
      dryRun: opts.dryRun,
      settings: opts.settings,
      pack,
      signal: controller.signal,
      log,
      progress: onProgress,
      beforeSeal: opts.undoEntry
        ? async (dir) => {
            await dropRedoMarkers(workspace, opts.epId);
            await pushBackupStep(workspace, opts.epId, dir, opts.actions);
          }
        : undefined,
    });
    return { ...result, packModelId: pack?.embedder.modelId ?? null };
  } finally {
    await pack?.detector.dispose().catch(() => undefined);
    await pack?.embedder.dispose().catch(() => undefined);
  }
}

port.on('message', (msg: CleanupToWorker) => {
  if (msg.type === 'cancel') {
    controller.abort();
    return;
  }
  if (msg.type !== 'start' || started) return;
  started = true;
  main(msg.opts).then(
    (result) => post({ type: 'done', result }),
    (err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err));
      post({ type: 'error', message: e.message, name: e.name, cancelled: controller.signal.aborted });
    },
  );
});
