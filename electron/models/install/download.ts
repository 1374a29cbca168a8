// One file over HTTP(S) into a given path: proxy from HTTPS_PROXY / HTTP_PROXY / NO_PROXY (undici's
// EnvHttpProxyAgent), redirects followed (GitHub release and LFS URLs redirect to a CDN), a cut
// connection resumed with an HTTP Range request, cancel through an AbortSignal. The caller verifies
// the hash; this module only guarantees that a returned file has the announced length.
import { createWriteStream } from 'node:fs';
import { stat, truncate } from 'node:fs/promises';
import { Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EnvHttpProxyAgent, interceptors, request, type Dispatcher } from 'undici';

export type InstallErrorCode = 'offline' | 'http' | 'mismatch' | 'truncated' | 'disk-full' | 'cancelled' | 'unpinned' | 'archive' | 'io';

/** Every failure of an install: a code the UI can act on and a message naming the file or URL. */
export class InstallError extends Error {
  constructor(
    readonly code: InstallErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'InstallError';
  }
}

/** The dispatcher every download uses: the environment's proxy settings, up to 5 redirects. */
export function envDispatcher(): Dispatcher {
  return new EnvHttpProxyAgent({ headersTimeout: 30_000, bodyTimeout: 60_000 }).compose(interceptors.redirect({ maxRedirections: 5 }));
}

export interface DownloadOptions {
  /** Tried in order until one succeeds; a 404 or a refused connection moves on to the next. */
  urls: string[];
  dest: string;
  /** Expected size (from the catalogue); a server announcing another size is refused. */
  bytes?: number;
  dispatcher: Dispatcher;
  signal?: AbortSignal;
  /** Bytes received since the last call (for progress). */
  onBytes?: (delta: number) => void;
  /** Opens the destination for writing (tests inject a stream that fails like a full disk). */
  openWrite?: (path: string, append: boolean) => Writable;
  /** Attempts per URL (a resumed request is an attempt); default 5. */
  attempts?: number;
  /** First retry delay, doubled each time; default 250 ms. */
  backoffMs?: number;
}

const TRANSIENT = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

function errCode(err: unknown): string | undefined {
  const e = err as { code?: string; cause?: { code?: string }; errors?: { code?: string }[] };
  return e?.code ?? e?.cause?.code ?? e?.errors?.[0]?.code;
}

/** Turns a thrown error into an InstallError (cancel, full disk and other file errors are final). */
function classify(err: unknown, url: string, dest: string): InstallError {
  if (err instanceof InstallError) return err;
  const code = errCode(err);
  const name = (err as Error)?.name;
  if (name === 'AbortError' || code === 'UND_ERR_ABORTED' || code === 'ABORT_ERR') return new InstallError('cancelled', 'cancelled');
  if (code === 'ENOSPC') return new InstallError('disk-full', `no space left on the disk while writing ${dest}`);
  if (code && UNREACHABLE.has(code)) return new InstallError('offline', `cannot reach ${new URL(url).host} (${code}): offline, or the server is down`);
  if (code && TRANSIENT.has(code)) return new InstallError('truncated', `${url}: the connection broke (${code})`);
  if (code && /^E[A-Z]+$/.test(code)) return new InstallError('io', `writing ${dest}: ${(err as Error).message}`);
  return new InstallError('http', `${url}: ${(err as Error)?.message ?? String(err)}`);
}

const retryable = (e: InstallError) => e.code === 'offline' || e.code === 'truncated' || (e.code === 'http' && /HTTP 5\d\d/.test(e.message));

async function sizeOf(path: string): Promise<number> {
  return stat(path).then((s) => s.size, () => 0);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((ok, fail) => {
    if (signal?.aborted) return fail(new InstallError('cancelled', 'cancelled'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      ok();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      fail(new InstallError('cancelled', 'cancelled'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Total length of the resource from a 200's Content-Length or a 206's Content-Range. */
function announcedTotal(status: number, headers: Record<string, string | string[] | undefined>): { start: number; total?: number } {
  const h = (k: string) => {
    const v = headers[k];
    return Array.isArray(v) ? v[0] : v;
  };
  if (status === 206) {
    const m = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(h('content-range') ?? '');
    return { start: m ? Number(m[1]) : -1, total: m && m[2] !== '*' ? Number(m[2]) : undefined };
  }
  const len = h('content-length');
  return { start: 0, total: len !== undefined && /^\d+$/.test(len) ? Number(len) : undefined };
}

/** One request from the current end of `dest`; true when the file is complete. */
async function fetchOnce(url: string, o: DownloadOptions): Promise<boolean> {
  const have = await sizeOf(o.dest);
  if (o.bytes !== undefined && have === o.bytes) return true;
  const res = await request(url, { method: 'GET', dispatcher: o.dispatcher, signal: o.signal, headers: have > 0 ? { range: `bytes=${have}-` } : {} });
  if (res.statusCode !== 200 && res.statusCode !== 206) {
    await res.body.dump().catch(() => undefined);
    throw new InstallError('http', `${url}: HTTP ${res.statusCode}`);
  }
  const { start, total } = announcedTotal(res.statusCode, res.headers);
  const append = res.statusCode === 206 && start === have;
  if (res.statusCode === 206 && !append) {
    await res.body.dump().catch(() => undefined);
    await truncate(o.dest, 0);
    throw new InstallError('truncated', `${url}: the server resumed at byte ${start}, not ${have}`);
  }
  if (o.bytes !== undefined && total !== undefined && total !== o.bytes) {
    await res.body.dump().catch(() => undefined);
    throw new InstallError('mismatch', `${url}: the server sends ${total} bytes, the catalogue expects ${o.bytes}: not the pinned file`);
  }
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      o.onBytes?.(chunk.length);
      cb(null, chunk);
    },
  });
  if (!append && have > 0) o.onBytes?.(-have);
  const out = o.openWrite ? o.openWrite(o.dest, append) : createWriteStream(o.dest, { flags: append ? 'a' : 'w' });
  await pipeline(res.body, counter, out, { signal: o.signal });
  const size = await sizeOf(o.dest);
  const expected = total ?? o.bytes;
  if (expected !== undefined && size > expected) throw new InstallError('mismatch', `${url}: received ${size} bytes, more than the ${expected} announced`);
  return expected === undefined || size === expected;
}

/** Downloads into `dest`, resuming after a cut connection; throws an InstallError when it cannot. */
export async function downloadFile(o: DownloadOptions): Promise<void> {
  let last: InstallError | undefined;
  for (const url of o.urls) {
    const attempts = o.attempts ?? 5;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        if (await fetchOnce(url, o)) return;
        last = new InstallError('truncated', `${url}: the connection closed after ${await sizeOf(o.dest)} of ${o.bytes ?? '?'} bytes`);
      } catch (err) {
        last = classify(err, url, o.dest);
        if (!retryable(last)) break;
      }
      if (attempt < attempts) await sleep((o.backoffMs ?? 250) * 2 ** (attempt - 1), o.signal);
    }
    if (last && (last.code === 'cancelled' || last.code === 'disk-full' || last.code === 'io' || last.code === 'mismatch')) throw last;
    // Another URL is another file: start it from zero.
    await truncate(o.dest, 0).catch(() => undefined);
  }
  throw last ?? new InstallError('http', 'no URL to download from');
}
