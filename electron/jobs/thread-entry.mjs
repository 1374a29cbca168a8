// Job thread bootstrap: a worker thread starts with a fresh module loader, so the TypeScript sources
// need tsx registered inside it before the thread's TS body is imported. (A packaged app runs the
// bundled utility-main instead and never loads this file.)
import { register } from 'tsx/esm/api';

register();
await import('./thread-main.ts');
