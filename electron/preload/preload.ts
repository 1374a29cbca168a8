// Preload (sandboxed, bundled to dist/electron/preload/preload.cjs): exposes window.api with one
// named method per channel and one on<Event>(cb) → unsubscribe per event. No raw ipcRenderer and no
// generic invoke reach the page: channel names are fixed here, payloads are validated in main (its
// dispatcher), and answers are envelopes the renderer validates (shared/ipc createClientApi).
// One non-IPC helper: getPathForFile(file), since Electron no longer sets File.path on dropped files.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { buildPreloadApi } from './api';

contextBridge.exposeInMainWorld(
  'api',
  buildPreloadApi({
    invoke: (channel, payload) => ipcRenderer.invoke(channel, payload),
    on: (event, cb) => {
      const listener = (_e: IpcRendererEvent, payload: unknown) => cb(payload);
      ipcRenderer.on(event, listener);
      return () => void ipcRenderer.removeListener(event, listener);
    },
  }, { getPathForFile: (file) => webUtils.getPathForFile(file) }),
);
