// Shared e2e plumbing: build the renderer once (cached on disk), a temp workspace with a fixture
// episode made by the project's own generator, the web host in-process, one Chromium per test file,
// and a screenshot + console log in e2e/artifacts/ whenever a test fails.
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ensureRendererBuilt as buildRendererIfStale } from '../scripts/renderer-build.mjs';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const rendererDist = join(repoRoot, 'dist', 'renderer');
const artifactsDir = join(repoRoot, 'e2e', 'artifacts');

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

/** Builds dist/renderer when it is missing or older than its sources (scripts/renderer-build.mjs; one build at a time across test files). */
export async function ensureRendererBuilt(): Promise<void> {
  await buildRendererIfStale(repoRoot, { log: () => undefined });
}

export function makeTempWorkspace(prefix = 'sa-e2e-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: run \`apt-get install -y chromium\` (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export interface PageHandle {
  context: BrowserContext;
  page: Page;
  /** Console errors and CSP violations seen by the page. */
  errors: string[];
}

export async function openPage(browser: Browser): Promise<PageHandle> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return { context, page, errors };
}

/** Saves a full-page screenshot and the console log for a failed test. */
export async function saveFailure(page: Page, testName: string, errors: string[]): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const base = join(artifactsDir, testName.replace(/[^a-z0-9]+/gi, '-').toLowerCase());
  await page.screenshot({ path: `${base}.png`, fullPage: true }).catch(() => undefined);
  writeFileSync(`${base}.log`, errors.join('\n'));
  return `${base}.png`;
}

/** Runs a test body; on failure keeps a screenshot, then rethrows. */
export async function withFailureShot<T>(handle: PageHandle, name: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    const shot = await saveFailure(handle.page, name, handle.errors);
    if (err instanceof Error) err.message += `\n(screenshot: ${shot})`;
    throw err;
  }
}

/** Explicit screenshot for looking at the UI by eye (kept in e2e/artifacts/, git-ignored). */
export async function snapshot(page: Page, name: string): Promise<void> {
  mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: join(artifactsDir, `${name}.png`) });
}
