// The ffmpeg reader of decode.ts, in its own thread. onnxruntime-node runs inference synchronously on
// the thread that calls it, so a pipe read by the pipeline's thread is not drained while a model
// runs: ffmpeg fills the 64 KB pipe and stops decoding. Read here, the pipes are drained whatever the
// pipeline thread does, and whole frames are handed over (transferred, not copied), at most
// `maxAhead` not yet consumed (the consumer acks each). Plain JavaScript with Node built-ins only, so
// the same file runs from the sources and beside the bundled Electron entries.
import { spawn } from 'node:child_process';
import { parentPort, workerData } from 'node:worker_threads';

const { ffmpeg, args, frameBytes, maxAhead } = workerData;
const proc = spawn(ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
let outstanding = 0;
let buf = new Uint8Array(frameBytes);
let filled = 0;

proc.stdout.on('data', (chunk) => {
  let off = 0;
  while (off < chunk.length) {
    const take = Math.min(frameBytes - filled, chunk.length - off);
    buf.set(chunk.subarray(off, off + take), filled);
    filled += take;
    off += take;
    if (filled < frameBytes) continue;
    parentPort.postMessage({ t: 'frame', data: buf }, [buf.buffer]);
    outstanding++;
    buf = new Uint8Array(frameBytes);
    filled = 0;
  }
  if (outstanding >= maxAhead) proc.stdout.pause();
});
proc.stderr.setEncoding('utf8');
proc.stderr.on('data', (text) => parentPort.postMessage({ t: 'stderr', text }));
proc.on('error', (err) => parentPort.postMessage({ t: 'stderr', text: `\n[error] ${err.message}\n` }));
proc.on('close', (code) => {
  parentPort.postMessage({ t: 'close', code, filled });
  parentPort.close();
});
parentPort.on('message', (m) => {
  if (m === 'ack') {
    outstanding--;
    if (outstanding < maxAhead) proc.stdout.resume();
  } else if (m === 'kill') {
    proc.kill('SIGKILL');
  }
});
