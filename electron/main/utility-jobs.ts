// Jobs under Electron run in a utility process, not a worker thread: a native crash in onnxruntime or
// sharp then ends that process only, and the job reports `crashed` instead of taking the window down.
// A thin transport for electron/jobs/host.ts; the protocol and everything behind it are the same as
// the worker thread's (electron/jobs/utility-main.ts is the process's body).
import { utilityProcess } from 'electron';
import { fileURLToPath } from 'node:url';
import { launchJob, type JobStarter, type TransportFactory } from '../jobs/host';
import type { FromJob } from '../jobs/protocol';

/** The bundled body sits beside main.js (build/build-electron.mjs). */
export function utilityTransport(entry: URL = new URL('./utility-entry.mjs', import.meta.url)): TransportFactory {
  return () => {
    const child = utilityProcess.fork(fileURLToPath(entry), [], { serviceName: 'Screenalytics job', stdio: 'inherit' });
    let alive = true;
    return {
      post(m) {
        if (alive) child.postMessage(m);
      },
      listen(on) {
        child.on('message', (m: FromJob) => on.message(m));
        child.on('error', (type, location) => on.crash(`failed (${type} at ${location})`));
        child.on('exit', (code) => {
          alive = false;
          on.crash(`exited (code ${code}) before finishing`);
        });
      },
      terminate() {
        if (alive) child.kill();
        alive = false;
      },
    };
  };
}

export const utilityJobs: JobStarter = (kind, input) => launchJob(kind, input, utilityTransport());
