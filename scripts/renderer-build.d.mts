// Types of renderer-build.mjs (plain JS so `npm start` and `npm run demo` run without tsx).
export const RENDERER_INDEX: string;
export const RENDERER_INPUTS: string[];
export function newestMtime(root: string, paths: readonly string[]): number;
export function isStale(root: string, output: string, inputs: readonly string[]): boolean;
export function ensureRendererBuilt(root: string, opts?: { force?: boolean; log?: (message: string) => void }): Promise<boolean>;
