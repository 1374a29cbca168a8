// TEMPORARY minimal host until electron/web lands (replaced by H6's host).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, extname } from 'node:path';
import { ReviewService } from '../electron/service/review-service';
import { CHANNEL_METHODS, type Channel } from '../shared/ipc';
import { manifestRefToWorkspacePath } from '../shared/episode';
import { rendererDist } from './fixtures';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.jpg': 'image/jpeg' };

export type Host = Awaited<ReturnType<typeof startHost>>;
export async function startHost(workspace: string) {
  const service = new ReviewService({ workspace, host: 'web' });
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    try {
      if (req.method === 'POST' && url.pathname.startsWith('/api/')) {
        const channel = decodeURIComponent(url.pathname.slice(5)) as Channel;
        let body = '';
        for await (const c of req) body += c;
        try {
          const data = await (service as any)[CHANNEL_METHODS[channel]](JSON.parse(body || '{}'));
          res.end(JSON.stringify({ ok: true, data }));
        } catch (e: any) {
          res.end(JSON.stringify({ ok: false, error: e.error ?? { code: 'internal', message: String(e) } }));
        }
        return;
      }
      if (url.pathname === '/events') { res.writeHead(200, { 'content-type': 'text/event-stream' }); return; }
      if (url.pathname.startsWith('/media/')) {
        const [ep, ...rest] = url.pathname.slice(7).split('/').map(decodeURIComponent);
        const p = service.ws.abs(manifestRefToWorkspacePath(ep, rest.join('/')));
        res.writeHead(200, { 'content-type': 'image/jpeg' });
        res.end(await readFile(p));
        return;
      }
      const file = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
      const data = await readFile(join(rendererDist, file));
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(data);
    } catch (e) {
      res.writeHead(404);
      res.end(String(e));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as any).port;
  return { url: `http://127.0.0.1:${port}/`, service, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}
