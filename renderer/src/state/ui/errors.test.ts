// Failures in plain words: each kind the contract names reads as its own sentence, with the service's
// detail after it; an unknown kind reads as an internal failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ipcErrorCodeSchema } from '../../../../shared/ipc';
import { plainError } from './errors';

test('every failure kind has its own sentence; the detail follows in brackets', () => {
  const said = ipcErrorCodeSchema.options.map((code) => plainError('Merge identity-00002', { code, message: 'detail' }));
  assert.equal(new Set(said).size, said.length, 'one sentence per kind');
  for (const s of said) assert.match(s, /^Merge identity-00002 failed: [a-z].* \(detail\)\.$/);
  assert.equal(plainError('Opening identity-09999', { code: 'not_found', message: 'identity identity-09999 not found in x-s01e01' }),
    'Opening identity-09999 failed: it is not there any more (merged, removed or renamed since), or never was (identity identity-09999 not found in x-s01e01).');
  assert.equal(plainError('Undo', { code: 'weird', message: '' }), 'Undo failed: something went wrong in the review service.');
});
