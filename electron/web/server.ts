// The web host: the same services over HTTP on 127.0.0.1, for a browser and Playwright. node:http
// transport only: authentication, then the shared dispatcher (electron/host/dispatch.ts) answers
// POST /api/<channel>; media and the renderer build come through electron/host too. Security model: loopback only; a per-launch random token (a ?token= URL that works
// once → an HttpOnly SameSite=Strict session cookie of its own, so <img> and EventSource carry it too;
// or Authorization: Bearer for programmatic clients);
// Host-header check against DNS rebinding; Origin check on API calls; strict CSP on every response.
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { EVENT_NAMES, IpcFailure, WEB, type Envelope, type IpcError } from '../../shared/ipc';
import { CSP } from '../host/csp';
import { createDispatcher, type Served } from '../host/dispatch';
import { openMedia } from '../host/media';
import { episodeMedia } from '../media/episode-media';
import { sendRange } from '../media/range';
import { resolveStatic } from '../host/static';

export interface WebHostOptions {
  /** One service, or a WorkspaceSwitcher (electron/host/workspace-switch.ts). */
  service: Served;
  /** 0 (default) = a random free port. */
  port?: number;
  /** Built renderer (vite's dist/renderer); optional so the API can run without a UI build. */
  rendererDir?: string;
  /** Fixed token (tests); default 32 random bytes. */
  token?: string;
  /** Folders besides the workspace from which an episode's own video may be played (GET /media/<ep>/video)
   *  and whose videos the Run dialog may browse (workspace:browse). */
  mediaRoots?: readonly string[];
}

export interface WebHost {
  server: Server;
  port: number;
  token: string;
  /** Open this once: it sets the session cookie and redirects to the app. */
  url: string;
  origin: string;
  close(): Promise<void>;
}

const STATUS: Record<IpcError['code'], number> = { invalid_request: 400, conflict: 409, locked: 423, not_found: 404, internal: 500, forbidden: 403 };
const MAX_BODY = 1 << 20;
/** Seconds a client should wait before resending a request refused because another writer holds the episode. */
export const BUSY_RETRY_AFTER_S = 1;

function securityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('X-Frame-Options', 'DENY');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, code: IpcError['code'], message: string): void {
  sendJson(res, status, { ok: false, error: { code, message } });
}

/** An envelope as an HTTP answer: the failure code picks the status; a busy episode says when to retry. */
function sendEnvelope(res: ServerResponse, env: Envelope): void {
  if (env.ok) return sendJson(res, 200, env);
  if (env.error.code === 'locked' && env.error.reason === 'busy') res.setHeader('Retry-After', String(BUSY_RETRY_AFTER_S));
  sendJson(res, STATUS[env.error.code], env);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new IpcFailure({ code: 'invalid_request', message: `request body over ${MAX_BODY} bytes` });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(req: IncomingMessage): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === WEB.cookieName) return v.join('=');
  }
  return null;
}

/** The access token and the one browser session it can be traded for. */
class Auth {
  // The browser session the one-time URL was traded for (null until then).
  private session: string | null = null;
  constructor(private readonly token: string) {}

  authorised(req: IncomingMessage): boolean {
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ') && sameSecret(auth.slice(7).trim(), this.token)) return true;
    const c = cookieToken(req);
    return c !== null && this.session !== null && sameSecret(c, this.session);
  }

  /** Answers a page request carrying ?token=: a session cookie and a redirect without it, or a refusal. */
  redeem(req: IncomingMessage, res: ServerResponse, url: URL, q: string): void {
    if (!sameSecret(q, this.token)) return sendText(res, 401, 'wrong token');
    // The URL works once: a copy of it (history, logs, a shared screen) opens nothing afterwards. The
    // browser that used it already has its session and is just sent on.
    const already = this.authorised(req);
    if (this.session !== null && !already) return sendText(res, 401, 'this link was already used; restart `screenalytics serve` for a new one');
    this.session ??= randomBytes(32).toString('base64url');
    // Trade the URL token for a session cookie and drop it from the address bar (and history).
    url.searchParams.delete('token');
    res.writeHead(303, {
      'Set-Cookie': `${WEB.cookieName}=${this.session}; HttpOnly; SameSite=Strict; Path=/`,
      Location: url.pathname + (url.search || ''),
      'Cache-Control': 'no-store',
    });
    return void res.end();
  }
}

async function handleApi(dispatch: ReturnType<typeof createDispatcher>, allowedOrigins: () => Set<string>, req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
  if (req.method !== 'POST') return sendError(res, 405, 'invalid_request', 'API calls are POST requests');
  // Browsers send Origin on cross-site POSTs: refuse any origin that is not this host.
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedOrigins().has(origin)) return sendError(res, 403, 'invalid_request', `origin ${origin} is not allowed`);
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) return sendError(res, 415, 'invalid_request', 'Content-Type must be application/json');
  let json: unknown;
  try {
    const text = await readBody(req);
    json = text.trim() === '' ? {} : JSON.parse(text);
  } catch (err) {
    if (err instanceof IpcFailure) return sendError(res, 413, 'invalid_request', err.message);
    return sendError(res, 400, 'invalid_request', `request body is not valid JSON (${(err as Error).message})`);
  }
  sendEnvelope(res, await dispatch(name, json));
}

async function handleMedia(service: Served, mediaRoots: readonly string[], req: IncomingMessage, res: ServerResponse, url: URL, method: string): Promise<void> {
  const rest = url.pathname.slice(WEB.mediaPrefix.length);
  // An episode's video (range requests) or the source frame at a time.
  const e = await episodeMedia(service.ws, rest, url.searchParams, mediaRoots);
  if (e) {
    if (!e.ok) return sendText(res, e.status, e.message);
    for (const [k, v] of Object.entries(e.headers ?? {})) res.setHeader(k, v);
    return sendRange(req, res, e.source);
  }
  const m = await openMedia(service.ws, rest);
  if (!m.ok) return sendText(res, m.status, m.message);
  res.writeHead(200, { 'Content-Type': m.contentType, 'Content-Length': m.size, 'Cache-Control': 'private, max-age=300', 'Last-Modified': new Date(m.mtimeMs).toUTCString() });
  if (method === 'HEAD') {
    await m.fh.close();
    return void res.end();
  }
  // The descriptor that was checked is the one streamed; pipeline closes it however the response ends.
  pipeline(m.fh.createReadStream(), res, () => undefined);
}

function handleEvents(service: Served, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
  res.write(': connected\n\n');
  const offs = EVENT_NAMES.map((name) => service.on(name, (payload) => res.write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`)));
  // Comments keep proxies and idle timers from closing a quiet stream.
  const beat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  beat.unref();
  const stop = () => {
    clearInterval(beat);
    for (const off of offs) off();
  };
  req.on('close', stop);
  res.on('error', stop);
}

async function handleStatic(rendererDir: string | null, res: ServerResponse, pathname: string, method: string): Promise<void> {
  if (!rendererDir) return sendText(res, 404, 'the renderer is not built (npm run build:renderer), only /api/ is served');
  const f = await resolveStatic(rendererDir, pathname);
  if (!f.ok) return sendText(res, f.status, f.message);
  res.writeHead(200, { 'Content-Type': f.contentType, 'Content-Length': f.size, 'Cache-Control': f.contentType.startsWith('text/html') ? 'no-store' : 'private, max-age=3600' });
  if (method === 'HEAD') return void res.end();
  createReadStream(f.path).on('error', () => res.destroy()).pipe(res);
}

/** POST /api/<channel>: the channel name decoded, then the API call. */
async function routeApi(dispatch: ReturnType<typeof createDispatcher>, allowedOrigins: () => Set<string>, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  // Clients may percent-encode the colon (workspace%3Aget); the decoded name must still be a known channel.
  let name: string;
  try {
    name = decodeURIComponent(url.pathname.slice(WEB.apiPrefix.length));
  } catch {
    return sendError(res, 400, 'invalid_request', `malformed channel name in ${url.pathname}`);
  }
  return await handleApi(dispatch, allowedOrigins, req, res, name);
}

export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const { service } = opts;
  const dispatch = createDispatcher(service, { mediaRoots: opts.mediaRoots });
  const token = opts.token ?? randomBytes(32).toString('base64url');
  let port = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
  const rendererDir = opts.rendererDir ? resolve(opts.rendererDir) : null;
  const auth = new Auth(token);

  const server = createServer(async (req, res) => {
    securityHeaders(res);
    try {
      // DNS rebinding: a foreign name resolving to 127.0.0.1 still sends its own Host header.
      if (!allowedHosts().has(req.headers.host ?? '')) return sendText(res, 421, 'unexpected Host header');
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
      const method = req.method ?? 'GET';
      const q = url.searchParams.get('token');
      if (q !== null && (method === 'GET' || method === 'HEAD') && !url.pathname.startsWith(WEB.apiPrefix)) return auth.redeem(req, res, url, q);
      if (!auth.authorised(req)) {
        if (url.pathname.startsWith(WEB.apiPrefix)) return sendError(res, 401, 'invalid_request', 'missing or wrong token');
        return sendText(res, 401, 'Open the URL printed by `screenalytics serve` (it carries the access token).');
      }
      if (url.pathname.startsWith(WEB.apiPrefix)) return await routeApi(dispatch, allowedOrigins, req, res, url);
      if (method !== 'GET' && method !== 'HEAD') return sendText(res, 405, 'method not allowed');
      if (url.pathname === WEB.eventsPath) return handleEvents(service, req, res);
      if (url.pathname.startsWith(WEB.mediaPrefix)) return await handleMedia(service, opts.mediaRoots ?? [], req, res, url, method);
      return await handleStatic(rendererDir, res, url.pathname, method);
    } catch (err) {
      if (!res.headersSent) sendError(res, 500, 'internal', (err as Error).message);
      else res.destroy();
    }
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    server,
    port,
    token,
    origin,
    url: `${origin}/?token=${encodeURIComponent(token)}`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
