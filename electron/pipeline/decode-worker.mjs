// The ffmpeg reader of decode.ts, in its own thread. onnxruntime-node runs inference synchronously on
// the thread that calls it, so a pipe read by the pipeline's thread is not drained while a model
// runs: ffmpeg fills the 64 KB pipe and stops decoding. Read here, the pipes are drained whatever the
// pipeline thread does, and whole frames are handed over (transferred, not copied), at most
// `maxAhead` not yet consumed (the consumer acks each). Plain JavaScript with Node built-ins only, so
// the same file runs from the sources and beside the bundled Electron entries.
//
// ffmpeg may write one video stream per pipe (`frameBytes` lists each one's frame size: fd 1, then 3,
// 4, …): the n-th frames of all streams are handed over together, as one message.
import { spawn } from 'node:child_process';
import { parentPort, workerData } from 'node:worker_threads';

const { ffmpeg, args, frameBytes, maxAhead } = workerData;
const fds = frameBytes.map((_, i) => (i === 0 ? 1 : i + 2));
const stdio = ['ignore', 'pipe', 'pipe', ...fds.slice(1).map(() => 'pipe')];
const proc = spawn(ffmpeg, args, { stdio });
const streams = fds.map((fd) => proc.stdio[fd]);
/** Whole frames read per stream, not yet handed over. */
const ready = frameBytes.map(() => []);
const partial = frameBytes.map((n) => ({ buf: new Uint8Array(n), filled: 0 }));
/** Frame buffers the consumer gave back (`recycle`): reused instead of allocating (and zeroing) new ones. */
const spare = frameBytes.map(() => []);
let outstanding = 0;

function handOver() {
  while (ready.every((q) => q.length > 0)) {
    const data = ready.map((q) => q.shift());
    parentPort.postMessage({ t: 'frame', data }, data.map((d) => d.buffer));
    outstanding++;
  }
  // ffmpeg writes its outputs' frames in turn, so a stream ahead of the others is only ahead by the
  // frame being written; holding it here (not pausing it) keeps ffmpeg from blocking on that pipe.
  if (outstanding >= maxAhead) for (const s of streams) s.pause();
}

streams.forEach((s, i) => {
  s.on('data', (chunk) => {
    const p = partial[i];
    let off = 0;
    while (off < chunk.length) {
      const take = Math.min(frameBytes[i] - p.filled, chunk.length - off);
      p.buf.set(chunk.subarray(off, off + take), p.filled);
      p.filled += take;
      off += take;
      if (p.filled < frameBytes[i]) continue;
      ready[i].push(p.buf);
      p.buf = spare[i].pop() ?? new Uint8Array(frameBytes[i]);
      p.filled = 0;
    }
    handOver();
  });
});
proc.stderr.setEncoding('utf8');
proc.stderr.on('data', (text) => parentPort.postMessage({ t: 'stderr', text }));
proc.on('error', (err) => parentPort.postMessage({ t: 'stderr', text: `\n[error] ${err.message}\n` }));
proc.on('close', (code) => {
  const filled = partial.reduce((a, p) => a + p.filled, 0) + ready.reduce((a, q) => a + q.reduce((b, d) => b + d.length, 0), 0);
  parentPort.postMessage({ t: 'close', code, filled });
  parentPort.close();
});
parentPort.on('message', (m) => {
  if (m === 'ack') {
    outstanding--;
    if (outstanding < maxAhead) for (const s of streams) s.resume();
  } else if (m?.t === 'recycle') {
    m.data.forEach((d, i) => spare[i].length < maxAhead && spare[i].push(d));
  } else if (m === 'kill') {
    proc.kill('SIGKILL');
  }
});
