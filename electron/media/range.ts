// HTTP range requests (RFC 9110 §14) over an already opened, already confined file: what a <video>
// element needs to start playing before the whole file arrived and to seek. Both hosts use it — the web
// host's media route writes to a node:http response (sendRange), Electron's media:// protocol returns a
// fetch Response (rangeResponse) — and both read only from the descriptor the confinement check opened
// (store/confined.ts), never from the path again.
//
// Rules: `Range: bytes=a-b, c-, -n` → 206 (one range: Content-Range; several: multipart/byteranges);
// no satisfiable range → 416 with `Content-Range: bytes */size`; a header that does not parse, names
// another unit, asks for more than MAX_RANGES parts, or comes with an If-Range that does not match →
// the whole file with 200, as the RFC allows. HEAD gets the headers only.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { Readable, pipeline } from 'node:stream';

/** More parts than this in one request is not a player seeking but a scan: answer with the whole file. */
export const MAX_RANGES = 16;
const CHUNK = 64 * 1024;

export interface RangeSource {
  fh: FileHandle;
  size: number;
  contentType: string;
  mtimeMs: number;
  cacheControl?: string;
}

/** Inclusive byte ranges, clipped to the file. */
export type RangeSpec = { kind: 'full' } | { kind: 'partial'; ranges: Array<[number, number]> } | { kind: 'unsatisfiable' };

export function parseRangeHeader(header: string | undefined, size: number): RangeSpec {
  if (header === undefined) return { kind: 'full' };
  const m = /^\s*bytes\s*=\s*(.+)$/i.exec(header);
  if (!m) return { kind: 'full' };
  const specs = m[1].split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (specs.length === 0 || specs.length > MAX_RANGES) return { kind: 'full' };
  const ranges: Array<[number, number]> = [];
  for (const spec of specs) {
    const r = /^(\d*)\s*-\s*(\d*)$/.exec(spec);
    if (!r || (r[1] === '' && r[2] === '')) return { kind: 'full' };
    if (r[1] === '') {
      // Suffix: the last n bytes.
      const n = Number(r[2]);
      if (n > 0 && size > 0) ranges.push([Math.max(0, size - n), size - 1]);
      continue;
    }
    const start = Number(r[1]);
    if (r[2] !== '' && Number(r[2]) < start) return { kind: 'full' };
    if (start < size) ranges.push([start, r[2] === '' ? size - 1 : Math.min(Number(r[2]), size - 1)]);
  }
  return ranges.length ? { kind: 'partial', ranges } : { kind: 'unsatisfiable' };
}

export const entityTag = (src: Pick<RangeSource, 'size' | 'mtimeMs'>) => `"${src.size.toString(16)}-${Math.trunc(src.mtimeMs).toString(16)}"`;

interface Plan {
  status: 200 | 206 | 416;
  headers: Record<string, string>;
  /** [start, end] inclusive, with the multipart header to write before each (empty for one range). */
  parts: Array<{ head: string; start: number; end: number }>;
  tail: string;
}

/** Status, headers and byte parts for a request with these Range / If-Range headers. */
export function planRange(src: RangeSource, range: string | undefined, ifRange: string | undefined): Plan {
  const tag = entityTag(src);
  const lastModified = new Date(src.mtimeMs).toUTCString();
  const headers: Record<string, string> = {
    'Accept-Ranges': 'bytes',
    'Cache-Control': src.cacheControl ?? 'private, max-age=300',
    'Last-Modified': lastModified,
    ETag: tag,
  };
  const fresh = ifRange === undefined || ifRange.trim() === tag || ifRange.trim() === lastModified;
  const spec = fresh ? parseRangeHeader(range, src.size) : ({ kind: 'full' } as const);
  if (spec.kind === 'unsatisfiable') {
    return { status: 416, headers: { ...headers, 'Content-Range': `bytes */${src.size}`, 'Content-Length': '0' }, parts: [], tail: '' };
  }
  if (spec.kind === 'full') {
    return { status: 200, headers: { ...headers, 'Content-Type': src.contentType, 'Content-Length': String(src.size) }, parts: src.size ? [{ head: '', start: 0, end: src.size - 1 }] : [], tail: '' };
  }
  if (spec.ranges.length === 1) {
    const [start, end] = spec.ranges[0];
    return {
      status: 206,
      headers: { ...headers, 'Content-Type': src.contentType, 'Content-Range': `bytes ${start}-${end}/${src.size}`, 'Content-Length': String(end - start + 1) },
      parts: [{ head: '', start, end }],
      tail: '',
    };
  }
  const boundary = randomBytes(12).toString('hex');
  const parts = spec.ranges.map(([start, end], i) => ({
    head: `${i ? '\r\n' : ''}--${boundary}\r\nContent-Type: ${src.contentType}\r\nContent-Range: bytes ${start}-${end}/${src.size}\r\n\r\n`,
    start,
    end,
  }));
  const tail = `\r\n--${boundary}--\r\n`;
  const length = parts.reduce((n, p) => n + Buffer.byteLength(p.head) + p.end - p.start + 1, Buffer.byteLength(tail));
  return { status: 206, headers: { ...headers, 'Content-Type': `multipart/byteranges; boundary=${boundary}`, 'Content-Length': String(length) }, parts, tail };
}

/** The body of a plan, read from the descriptor in chunks; closes the descriptor however it ends. */
async function* planBody(fh: FileHandle, plan: Plan): AsyncGenerator<Uint8Array> {
  try {
    for (const part of plan.parts) {
      if (part.head) yield Buffer.from(part.head);
      for (let pos = part.start; pos <= part.end; ) {
        const want = Math.min(CHUNK, part.end - pos + 1);
        const { bytesRead, buffer } = await fh.read(Buffer.allocUnsafe(want), 0, want, pos);
        if (bytesRead === 0) throw new Error(`file ended at byte ${pos} of ${part.end + 1} (it shrank while being served)`);
        yield buffer.subarray(0, bytesRead);
        pos += bytesRead;
      }
    }
    if (plan.tail) yield Buffer.from(plan.tail);
  } finally {
    await fh.close().catch(() => undefined);
  }
}

const header = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(',') : v);

/** node:http: answers `req` from `src` (200 / 206 / 416; HEAD without a body). Closes `src.fh`. */
export function sendRange(req: IncomingMessage, res: ServerResponse, src: RangeSource): void {
  const plan = planRange(src, header(req.headers.range), header(req.headers['if-range']));
  res.writeHead(plan.status, plan.headers);
  if (req.method === 'HEAD' || plan.status === 416) {
    void src.fh.close().catch(() => undefined);
    res.end();
    return;
  }
  // pipeline ends the generator (closing the descriptor) when the client goes away mid-file.
  // A generator never started has no finally to run, hence the close here too (a second close is harmless).
  pipeline(Readable.from(planBody(src.fh, plan), { objectMode: false }), res, () => void src.fh.close().catch(() => undefined));
}

/** fetch-style (Electron protocol.handle): the Response for `request` from `src`. Closes `src.fh`. */
export function rangeResponse(request: Request, src: RangeSource): Response {
  const plan = planRange(src, request.headers.get('range') ?? undefined, request.headers.get('if-range') ?? undefined);
  if (request.method === 'HEAD' || plan.status === 416) {
    void src.fh.close().catch(() => undefined);
    return new Response(null, { status: plan.status, headers: plan.headers });
  }
  const it = planBody(src.fh, plan);
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const r = await it.next();
      if (r.done) controller.close();
      else controller.enqueue(r.value);
    },
    async cancel() {
      await it.return(undefined);
      await src.fh.close().catch(() => undefined);
    },
  });
  return new Response(body, { status: plan.status, headers: plan.headers });
}
