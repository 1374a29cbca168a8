// Service failures in plain words: each kind of failure the contract names (shared/ipc/core.ts) as a
// sentence a reviewer can act on, with the service's own detail after it.
import type { ErrorInfo } from '../appState';

const SENTENCES: Record<string, string> = {
  not_found: 'it is not there any more (merged, removed or renamed since), or never was',
  conflict: 'the episode was changed in another window; the latest version is loaded, please try again',
  locked: 'it is locked or another window is saving this episode; try again in a moment',
  invalid_request: 'the app asked for something the review service does not accept',
  forbidden: 'this host does not allow it',
  internal: 'something went wrong in the review service',
};

/** "<What> failed: <sentence for the kind> (<detail>)". */
export function plainError(what: string, e: ErrorInfo): string {
  const sentence = SENTENCES[e.code] ?? SENTENCES.internal;
  const detail = e.message.trim();
  return `${what} failed: ${sentence}${detail ? ` (${detail})` : ''}.`;
}
