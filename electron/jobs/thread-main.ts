// Body of a job's worker thread (host.ts starts it through thread-entry.mjs): the app's jobs over parentPort.
import { parentPort } from 'node:worker_threads';
import { appJobs } from './registry';
import { serveJobs } from './serve';
import type { ToJob } from './protocol';

const port = parentPort;
if (!port) throw new Error('thread-main must run in a worker thread');
serveJobs({ post: (m) => port.postMessage(m), onMessage: (cb) => port.on('message', (m: ToJob) => cb(m)) }, appJobs);
