import assert from 'node:assert/strict';
import { StoreError } from '../electron/store/errors';

/** Awaits `fn`, which must fail with a StoreError whose message matches `pattern`; returns it. */
export async function rejectsStoreError(fn: () => Promise<unknown>, pattern: RegExp): Promise<StoreError> {
  let caught: unknown;
  await fn().catch((e) => (caught = e));
  assert.ok(caught instanceof StoreError, `expected a StoreError, got ${String(caught)}`);
  assert.match(caught.message, pattern);
  return caught;
}
