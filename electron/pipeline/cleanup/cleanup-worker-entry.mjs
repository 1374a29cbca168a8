// Cleanup worker bootstrap, the same pattern as ../worker-entry.mjs (its own name, so both entries can sit
// beside the bundled main.js): tsx registered inside the thread
// before the TypeScript body is imported (a packaged app points the Worker at the bundled JS instead).
import { register } from 'tsx/esm/api';

register();
await import('./worker-main.ts');
