// `screenalytics serve --workspace <dir> [--port n] [--renderer dir]`: the review UI in a browser.
// Prints the one-time URL (it carries the access token) and serves until Ctrl-C.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ReviewService } from '../service/review-service';
import { startWebHost } from '../web/server';
import { WorkspaceSwitcher } from '../host/workspace-switch';

const USAGE = `usage: screenalytics serve --workspace <dir> [--port <n>] [--renderer <dir>] [--media-root <dir>]… [--allow-workspace-switch]
  --workspace <dir>   folder holding data/ and artifacts/ (created if missing)
  --media-root <dir>  a folder of videos (repeatable): episodes made from videos in it can be played
                      in the UI (videos inside the workspace always can)
  --port <n>          port on 127.0.0.1 (default: a random free port)
  --renderer <dir>    built UI to serve (default: dist/renderer of this install)
  --allow-workspace-switch
                      let the UI switch to another existing folder by typing its absolute path`;

const repoRoot = resolve(import.meta.dirname, '..', '..');

function appVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      workspace: { type: 'string' },
      port: { type: 'string' },
      renderer: { type: 'string' },
      'media-root': { type: 'string', multiple: true },
      'allow-workspace-switch': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.workspace) {
    console.error(USAGE);
    return 2;
  }
  const workspace = resolve(values.workspace);
  if (existsSync(workspace) && !statSync(workspace).isDirectory()) throw new Error(`--workspace ${workspace} is not a folder`);
  let port = 0;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer 0–65535, got "${values.port}"`);
  }
  const rendererDir = resolve(values.renderer ?? join(repoRoot, 'dist', 'renderer'));
  const hasUi = existsSync(join(rendererDir, 'index.html'));
  const service = new WorkspaceSwitcher({
    initial: workspace,
    create: (root) => new ReviewService({ workspace: root, host: 'web', appVersion: appVersion() }),
    mode: values['allow-workspace-switch'] ? 'path' : 'none',
  });
  const mediaRoots = (values['media-root'] ?? []).map((d) => resolve(d));
  for (const d of mediaRoots) if (!existsSync(d) || !statSync(d).isDirectory()) throw new Error(`--media-root ${d} is not a folder`);
  const host = await startWebHost({ service, port, rendererDir: hasUi ? rendererDir : undefined, mediaRoots });
  console.log(`Screenalytics Review: ${host.url}`);
  console.log(`workspace ${workspace}${hasUi ? '' : `\n(no built UI in ${rendererDir}: run \`npm run build:renderer\`; the API is served)`}`);
  console.log('Ctrl-C to stop.');
  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await service.close();
  await host.close();
  return 0;
}
