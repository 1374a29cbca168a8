// Electron main: thin. One locked-down window, the app:// protocol for the renderer build, media:// for
// crops, frames and the episode's video (the same confinement as the web host, over the media roots), IPC through the dispatcher both hosts share
// (electron/host/dispatch.ts), a menu. Main imports host code from electron/host/, never electron/web/.
// Pipeline and cleanup jobs run in utility processes behind the ReviewService; a WorkspaceSwitcher holds the current
// service so "Change workspace…" (native folder dialog) can swap it for one on another root.
import { app, BrowserWindow, Menu, dialog, ipcMain, protocol, session, shell, type MenuItemConstructorOptions } from 'electron';
import { join } from 'node:path';
import { ReviewService } from '../service/review-service';
import { WorkspaceSwitcher } from '../host/workspace-switch';
import { APP_SCHEME, APP_URL, forwardEvents, isAppFrame, registerIpc } from './ipc';
import { layoutFrom } from './paths';
import { MEDIA_SCHEME, PRIVILEGED_SCHEMES, appHandler, mediaHandler } from './protocols';
import { APP_FILES } from '../../shared/layout';
import { initialWorkspace, jsonRecentStore } from './workspaces';
import { MediaRoots, mediaRootsFrom } from './media-roots';
import { utilityJobs } from './utility-jobs';

const { appRoot, rendererDir, preloadPath } = layoutFrom(import.meta.dirname);

// Packaged: model packs ship as extraResources (onnxruntime reads them from disk, not from the asar).
if (app.isPackaged) process.env.SCREENALYTICS_MODELS_ROOT = process.resourcesPath;
else process.env.SCREENALYTICS_MODELS_ROOT ||= appRoot;

// Must run before 'ready' (see protocols.ts for why each privilege).
protocol.registerSchemesAsPrivileged(PRIVILEGED_SCHEMES);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let win: BrowserWindow | null = null;
  const recent = jsonRecentStore(join(app.getPath('userData'), APP_FILES.recentWorkspaces));
  const createService = (root: string) =>
    new ReviewService({ workspace: root, host: 'electron', appVersion: app.getVersion(), jobs: utilityJobs, formerSettingsPath: join(app.getPath('userData'), APP_FILES.settings) });
  const pickFolder = async (): Promise<string | null> => {
    const opts = { title: 'Choose a workspace folder', properties: ['openDirectory', 'createDirectory'] as ('openDirectory' | 'createDirectory')[] };
    const r = win ? await dialog.showOpenDialog(win, opts) : await dialog.showOpenDialog(opts);
    return r.canceled || r.filePaths.length === 0 ? null : r.filePaths[0];
  };
  // started lazily in whenReady: the recent list is read from userData first.
  let service: WorkspaceSwitcher;

  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });

  // Every webContents (including any a bug might create): no navigation away, no new windows.
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (/^https:\/\//.test(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });

  const buildMenu = () => {
    const template: MenuItemConstructorOptions[] = [
      ...(process.platform === 'darwin' ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
      { role: 'fileMenu' },
      { role: 'editMenu' },
      { role: 'viewMenu' },
      { role: 'windowMenu' },
      { role: 'help', submenu: [{ label: 'Screenalytics on GitHub', click: () => void shell.openExternal('https://github.com/') }] },
    ];
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  };

  void app.whenReady().then(async () => {
    const recentRoots = await recent.load().catch((err: Error) => {
      // A damaged preferences file must not keep the app from opening: say which file and start fresh.
      console.error(`ignoring ${err.message}`);
      return [] as string[];
    });
    const initial = initialWorkspace({ argv: process.argv, env: process.env, recent: recentRoots, documents: app.getPath('documents') });
    service = new WorkspaceSwitcher({ initial, create: createService, mode: 'dialog', pickFolder, recent });
    // No camera, microphone, notifications, … for the app's pages.
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    protocol.handle(APP_SCHEME, appHandler(rendererDir));
    // Videos play from the workspace and these folders only (electron/media/video.ts).
    const mediaRoots = new MediaRoots(mediaRootsFrom({ argv: process.argv, env: process.env, videos: app.getPath('videos') }));
    protocol.handle(MEDIA_SCHEME, mediaHandler(() => service.ws, () => mediaRoots.list()));

    registerIpc(ipcMain, service, (event) => isAppFrame(event.senderFrame) && !!win && event.sender === win.webContents, (channel, payload, answer) =>
      mediaRoots.noteAnswer(channel, payload, answer),
    );
    buildMenu();

    win = new BrowserWindow({
      width: 1400,
      height: 900,
      show: false,
      title: 'Screenalytics Review',
      webPreferences: {
        preload: preloadPath,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        spellcheck: false,
      },
    });
    const stopEvents = forwardEvents(service, (name, payload) => win?.webContents.send(name, payload));
    win.once('ready-to-show', () => win?.show());
    win.on('closed', () => {
      stopEvents();
      win = null;
    });
    void win.loadURL(APP_URL);
  });

  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => void service?.close());
}
