// Test helpers: a model mirror on a loopback port serving real files (../shared/eval/models), with
// HTTP Range support and knobs to misbehave (cut a response, corrupt it, stream it slowly), and a
// CONNECT proxy that counts what goes through it. Used by the installer tests and the e2e; not by the app.
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';

export interface MirrorBehaviour {
  /** Close the socket after this many body bytes, for the next `times` requests of the file. */
  cut?: { file: string; after: number; times: number };
  /** Serve the file with one byte flipped (same length). */
  corrupt?: string;
  /** Stream this file in 16 KiB chunks, one every `ms`. */
  slow?: { file: string; ms: number };
}

export interface Mirror {
  url: string;
  /** Every request: file, Range header (or null). */
  log: { file: string; range: string | null }[];
  behaviour: MirrorBehaviour;
  close(): Promise<void>;
}

function parseRange(h: string | undefined, size: number): number {
  const m = /^bytes=(\d+)-$/.exec(h ?? '');
  return m ? Math.min(Number(m[1]), size) : 0;
}

function send(m: Mirror, path: string, file: string, req: IncomingMessage, res: ServerResponse): void {
  const size = statSync(path).size;
  const start = parseRange(req.headers.range, size);
  const head = { 'content-type': 'application/octet-stream', 'accept-ranges': 'bytes', 'content-length': String(size - start) };
  if (start > 0) res.writeHead(206, { ...head, 'content-range': `bytes ${start}-${size - 1}/${size}` });
  else res.writeHead(200, head);
  const b = m.behaviour;
  if (b.corrupt === file) {
    const buf = readFileSync(path);
    buf[buf.length >> 1] ^= 0xff;
    res.end(buf.subarray(start));
    return;
  }
  const cut = b.cut?.file === file && b.cut.times > 0 ? b.cut : undefined;
  if (cut) cut.times--;
  const slow = b.slow?.file === file ? b.slow.ms : 0;
  let sent = 0;
  const stream = createReadStream(path, { start, highWaterMark: 16 * 1024 });
  stream.on('data', (chunk) => {
    const c = chunk as Buffer;
    if (cut && sent + c.length > cut.after) {
      res.write(c.subarray(0, Math.max(0, cut.after - sent)));
      stream.destroy();
      setTimeout(() => req.socket.destroy(), 20);
      return;
    }
    sent += c.length;
    if (!res.write(c) || slow) {
      stream.pause();
      const resume = () => setTimeout(() => stream.resume(), slow);
      if (res.writableNeedDrain) res.once('drain', resume);
      else resume();
    }
  });
  stream.on('end', () => res.end());
  res.on('close', () => stream.destroy());
}

/** Serves every file of `dirs` (first match wins) at /<name>. */
export async function startMirror(dirs: string[]): Promise<Mirror> {
  const sockets = new Set<Socket>();
  const m: Mirror = { url: '', log: [], behaviour: {}, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const file = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.slice(1));
    m.log.push({ file, range: req.headers.range ?? null });
    const path = /^[A-Za-z0-9._-]+$/.test(file) ? dirs.map((d) => join(d, file)).find((p) => statSync(p, { throwIfNoEntry: false })?.isFile()) : undefined;
    if (!path) {
      res.writeHead(404).end('not found');
      return;
    }
    send(m, path, file, req, res);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  m.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  m.close = () =>
    new Promise<void>((ok) => {
      for (const s of sockets) s.destroy();
      server.close(() => ok());
    });
  return m;
}

/** A CONNECT proxy on a loopback port; `targets` lists each host:port tunnelled. */
export async function startProxy(): Promise<{ url: string; targets: string[]; close(): Promise<void> }> {
  const targets: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    targets.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    targets,
    close: () =>
      new Promise<void>((ok) => {
        for (const s of sockets) s.destroy();
        server.close(() => ok());
      }),
  };
}
