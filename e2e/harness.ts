// One lifecycle for the e2e files that drive one review app: a temp workspace filled by `setup`
// (alongside the renderer build), the web host on it, one Chromium page, and everything closed and
// removed afterwards. The returned object is filled in by `before`, so read it inside tests.
import { after, before } from 'node:test';
import { rmSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { ensureRendererBuilt, launchBrowser, makeTempWorkspace, openPage, type PageHandle } from './fixtures';
import { startHost, type Host } from './host';
import { ReviewApp } from './pages';

export interface ReviewAppContext<T> {
  workspace: string;
  /** What `setup` returned. */
  fixture: T;
  host: Host;
  browser: Browser;
  handle: PageHandle;
  app: ReviewApp;
}

export interface ReviewAppOptions<T> {
  /** Temp workspace name prefix (makeTempWorkspace's default when absent). */
  prefix?: string;
  /** Fills the workspace; runs while the renderer builds. */
  setup?: (workspace: string) => Promise<T>;
  /** Runs once the host and the page are up (edits through the service, opening an episode…). */
  ready?: (t: ReviewAppContext<T>) => Promise<void>;
  /** Folders whose videos the host may play and the Run dialog browses (`screenalytics serve --media-root`). */
  mediaRoots?: readonly string[];
}

export function useReviewApp<T = undefined>(opts: ReviewAppOptions<T> = {}): ReviewAppContext<T> {
  const t = {} as ReviewAppContext<T>;
  before(async () => {
    t.workspace = makeTempWorkspace(opts.prefix);
    [t.fixture] = await Promise.all([opts.setup ? opts.setup(t.workspace) : (undefined as T), ensureRendererBuilt()]);
    t.host = await startHost(t.workspace, opts.mediaRoots);
    t.browser = await launchBrowser();
    t.handle = await openPage(t.browser);
    t.app = new ReviewApp(t.handle.page);
    await opts.ready?.(t);
  });
  after(async () => {
    await t.browser?.close();
    await t.host?.close();
    if (t.workspace) rmSync(t.workspace, { recursive: true, force: true });
  });
  return t;
}
