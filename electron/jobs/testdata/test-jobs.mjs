// Worker-thread entry for the job runtime's own tests: the runtime with a registry of test jobs.
import { register } from 'tsx/esm/api';

register();
await import('./test-jobs-main.ts');
