// A new user's first minutes: `npm run demo` (the pipeline on the default clip, into a fresh
// workspace), then `npx screenalytics serve` on that workspace serves the built review UI — not the
// "no built UI" notice — and a browser opening the printed URL sees the demo episode and its faces.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Browser } from 'playwright-core';
import { isStale, RENDERER_INDEX, RENDERER_INPUTS } from '../scripts/renderer-build.mjs';
import { launchBrowser, makeTempWorkspace, openPage, repoRoot, withFailureShot } from './fixtures';
import { ReviewApp } from './pages';

const workspace = makeTempWorkspace('sa-onboarding-');
let serve: ChildProcess | undefined;
let browser: Browser | undefined;
after(async () => {
  await browser?.close();
  if (serve?.pid && serve.exitCode === null) serve.kill('SIGTERM');
  rmSync(workspace, { recursive: true, force: true });
});

/** Starts `screenalytics serve` and resolves, once it says it is serving, with its URL and everything it printed. */
function startServe(): Promise<{ url: string; lines: string[] }> {
  serve = spawn(process.execPath, [join(repoRoot, 'bin', 'screenalytics.mjs'), 'serve', '--workspace', workspace], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  return new Promise((ok, fail) => {
    serve!.on('exit', (code) => fail(new Error(`serve exited (${code}) before printing its URL:\n${lines.join('\n')}`)));
    serve!.stderr!.on('data', (d: Buffer) => lines.push(d.toString()));
    const rl = createInterface({ input: serve!.stdout! });
    rl.on('line', (line) => {
      lines.push(line);
      if (!line.startsWith('Ctrl-C to stop')) return;
      const url = /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(lines.join('\n'))?.[1];
      if (url) ok({ url, lines });
      else fail(new Error(`serve printed no URL:\n${lines.join('\n')}`));
    });
  });
}

test('after `npm run demo`, `screenalytics serve` serves the built review UI with the demo episode in it', async () => {
  const demo = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'demo.mjs')], {
    cwd: repoRoot,
    env: { ...process.env, SCREENALYTICS_WORKSPACE: workspace },
    encoding: 'utf8',
  });
  assert.equal(demo.status, 0, `${demo.stdout}\n${demo.stderr}`);
  assert.match(demo.stdout, /screenalytics serve --workspace/);
  assert.equal(isStale(repoRoot, RENDERER_INDEX, RENDERER_INPUTS), false, 'the demo leaves an up-to-date UI build');

  const { url, lines } = await startServe();
  assert.ok(!lines.join('\n').includes('no built UI'), lines.join('\n'));

  browser = await launchBrowser();
  const handle = await openPage(browser);
  const app = new ReviewApp(handle.page);
  await withFailureShot(handle, 'onboarding-serve', async () => {
    await app.goto(url);
    await app.openEpisode('demo-s01e01');
    assert.ok((await handle.page.getByTestId('identity-card').count()) >= 5, 'the Friends demo shows its identities');
  });
  assert.deepEqual(handle.errors, []);
});
