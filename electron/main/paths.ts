// Where the bundles live relative to each other (build/build-electron.mjs writes them; electron-builder
// packs them): main.js and the job entries in dist/electron/main, the preload in
// dist/electron/preload, the renderer in dist/renderer. No Electron import, so tests can check it.
import { basename, join, resolve } from 'node:path';

export const BUNDLES = {
  main: 'dist/electron/main/main.js',
  /** Jobs in a worker thread (electron/jobs/thread-main.ts) and in a utility process (utility-main.ts). */
  jobThread: 'dist/electron/main/thread-entry.mjs',
  jobUtility: 'dist/electron/main/utility-entry.mjs',
  /** ffmpeg's reader thread (electron/pipeline/decode-worker.mjs), found beside the bundle that decodes. */
  decodeWorker: 'dist/electron/main/decode-worker.mjs',
  preload: 'dist/electron/preload/preload.cjs',
  renderer: 'dist/renderer',
} as const;

/** Layout seen from the directory of the running main module (bundled, or electron/main from sources). */
export function layoutFrom(mainDir: string) {
  const upTwo = resolve(mainDir, '..', '..');
  const bundled = basename(upTwo) === 'dist';
  const appRoot = bundled ? resolve(upTwo, '..') : upTwo;
  return {
    appRoot,
    rendererDir: join(appRoot, BUNDLES.renderer),
    preloadPath: join(appRoot, BUNDLES.preload),
  };
}
