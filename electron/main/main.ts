// Electron main: thin. One locked-down window, the app:// protocol for the renderer build, media:// for
// crops (the same confinement function as the web host), IPC generated from shared/ipc.ts, a menu.
// The pipeline runs in a worker thread behind the ReviewService.
import { app, BrowserWindow, Menu, ipcMain, protocol, shell, type MenuItemConstructorOptions } from 'electron';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ReviewService } from '../service/review-service';
import { resolveMedia } from '../web/media';
import { ELECTRON_CSP } from '../web/server';
import { resolveStatic } from '../web/static';
import { APP_HOST, APP_SCHEME, APP_URL, forwardEvents, isAppFrame, registerIpc } from './ipc';
import { layoutFrom } from './paths';

const { appRoot, rendererDir, preloadPath } = layoutFrom(import.meta.dirname);

// Packaged: model packs ship as extraResources (onnxruntime reads them from disk, not from the asar).
if (app.isPackaged) process.env.SCREENALYTICS_MODELS_ROOT = process.resourcesPath;
else process.env.SCREENALYTICS_MODELS_ROOT ||= appRoot;

function workspaceDir(): string {
  const flag = process.argv.find((a) => a.startsWith('--workspace='));
  if (flag) return resolve(flag.slice('--workspace='.length));
  if (process.env.SCREENALYTICS_WORKSPACE) return resolve(process.env.SCREENALYTICS_WORKSPACE);
  return join(app.getPath('documents'), 'Screenalytics');
}

// Must run before 'ready': both schemes behave like https (secure context, fetch, CSP 'self').
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  { scheme: 'media', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let win: BrowserWindow | null = null;
  const service = new ReviewService({
    workspace: workspaceDir(),
    host: 'electron',
    appVersion: app.getVersion(),
    settingsPath: join(app.getPath('userData'), 'settings.json'),
  });

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

  void app.whenReady().then(() => {
    protocol.handle(APP_SCHEME, async (request) => {
      const url = new URL(request.url);
      if (url.host !== APP_HOST) return new Response('not found', { status: 404 });
      const f = await resolveStatic(rendererDir, url.pathname);
      if (!f.ok) return new Response(f.message, { status: f.status });
      return new Response(await readFile(f.path), {
        headers: { 'Content-Type': f.contentType, 'Content-Security-Policy': ELECTRON_CSP, 'X-Content-Type-Options': 'nosniff' },
      });
    });
    protocol.handle('media', async (request) => {
      const url = new URL(request.url);
      if (url.host !== 'episode') return new Response('not found', { status: 404 });
      const m = await resolveMedia(service.ws, url.pathname.replace(/^\/+/, ''));
      if (!m.ok) return new Response(m.message, { status: m.status });
      return new Response(await readFile(m.path), { headers: { 'Content-Type': m.contentType, 'Cache-Control': 'private, max-age=300' } });
    });

    registerIpc(ipcMain, service, (event) => isAppFrame(event.senderFrame) && !!win && event.sender === win.webContents);
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
  app.on('before-quit', () => void service.close());
}
