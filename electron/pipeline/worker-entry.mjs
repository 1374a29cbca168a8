// Worker bootstrap: a worker thread starts with a fresh module loader, so the TypeScript sources need
// tsx registered inside it before the worker's TS body is imported. (A packaged app points the
// Worker at the bundled JS instead and never loads this file.)
import { register } from 'tsx/esm/api';

register();
await import('./worker-main.ts');
