// Where the bundles live relative to each other (build/build-electron.mjs writes them; electron-builder
// packs them): main.js and the pipeline worker in dist/electron/main, the preload in
// dist/electron/preload, the renderer in dist/renderer. No Electron import, so tests can check it.
import { basename, join, resolve } from 'node:path';

export const BUNDLES = {
  main: 'dist/electron/main/main.js',
  worker: 'dist/electron/main/worker-entry.mjs',
  cleanupWorker: 'dist/electron/main/cleanup-worker-entry.mjs',
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
