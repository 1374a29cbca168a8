// Body of a job's Electron utility process (electron/main/utility-jobs.ts forks its bundle): the app's
// jobs over process.parentPort, the utility process's channel to main. Plain Node otherwise; a native
// crash here ends this process only, and main reports the job as crashed.
import { appJobs } from './registry';
import { serveJobs } from './serve';
import type { FromJob, ToJob } from './protocol';

interface ParentPort {
  postMessage(m: FromJob): void;
  on(event: 'message', cb: (e: { data: ToJob }) => void): void;
}
const port = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (!port) throw new Error('utility-main must run in an Electron utility process');
serveJobs({ post: (m) => port.postMessage(m), onMessage: (cb) => port.on('message', (e) => cb(e.data)) }, appJobs);
