// Jobs that end in each way a job can end, served exactly as the app's jobs are (serve.ts).
import { parentPort } from 'node:worker_threads';
import { serveJobs } from '../serve';
import type { JobContext, ToJob } from '../protocol';

const port = parentPort!;

const untilCancelled = (ctx: JobContext) =>
  new Promise<never>((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('stopped on request'))));

serveJobs({ post: (m) => port.postMessage(m), onMessage: (cb) => port.on('message', (m: ToJob) => cb(m)) }, {
  count: async () => async (input: { n: number }, ctx: JobContext) => {
    for (let i = 0; i <= input.n; i++) ctx.progress({ stage: 'count', done: i, total: input.n });
    ctx.log('warn', 'counted');
    return { counted: input.n };
  },
  wait: async () => async (_input: unknown, ctx: JobContext) => {
    ctx.progress({ stage: 'wait', done: 0, total: 1 });
    return untilCancelled(ctx);
  },
  fail: async () => async () => {
    throw new Error('bad input: field "x" is missing');
  },
  exit: async () => async (_input: unknown, ctx: JobContext) => {
    ctx.progress({ stage: 'exit', done: 0, total: 1 });
    // What a native abort in onnxruntime looks like from outside: the thread ends without a word.
    setImmediate(() => process.exit(3));
    return untilCancelled(ctx);
  },
  uncaught: async () => async (_input: unknown, ctx: JobContext) => {
    setImmediate(() => {
      throw new Error('boom outside the job');
    });
    return untilCancelled(ctx);
  },
});
