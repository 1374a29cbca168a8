// The app under test: the real ReviewService behind the real web host (electron/web), in-process,
// serving the built renderer. Tests open `url` once (its one-time token becomes a session cookie).
import { ReviewService } from '../electron/service/review-service';
import { startWebHost } from '../electron/web/server';
import { rendererDist } from './fixtures';

export interface Host {
  url: string;
  origin: string;
  service: ReviewService;
  close(): Promise<void>;
}

/** `mediaRoots`: folders besides the workspace whose videos the host may play and the Run dialog browses (serve's --media-root). */
export async function startHost(workspace: string, mediaRoots: readonly string[] = []): Promise<Host> {
  const service = new ReviewService({ workspace, host: 'web' });
  const web = await startWebHost({ service, rendererDir: rendererDist, mediaRoots });
  return { url: web.url, origin: web.origin, service, close: () => web.close() };
}
