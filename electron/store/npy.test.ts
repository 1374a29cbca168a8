import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeNpyHeader, readNpy, writeNpy } from './npy';
import { faceSamples } from '../../test-support/store-fixture';
import { numpy } from '../../test-support/numpy';
import { tempDir } from '../../test-support/tmp';
import { rejectsStoreError as assertRejects } from '../../test-support/assert';

const tmp = () => tempDir('npy-test-');

test('real embeddings written by writeNpy load in numpy with the same shape, dtype, values and unit norms', async () => {
  const dir = await tmp();
  const samples = await faceSamples();
  const data = new Float32Array(samples.length * 128);
  samples.forEach((s, i) => data.set(s.embedding, i * 128));
  const file = join(dir, 'faces.npy');
  await writeNpy(file, data, [samples.length, 128]);
  const r = numpy<{ shape: number[]; dtype: string; c: boolean; norms: number[]; flat: number[] }>(
    'a = np.load(sys.argv[1]); print(json.dumps({"shape": list(a.shape), "dtype": str(a.dtype), "c": bool(a.flags.c_contiguous), "norms": np.linalg.norm(a, axis=1).tolist(), "flat": a.ravel().astype(float).tolist()}))',
    [file],
  );
  assert.deepEqual(r.shape, [12, 128]);
  assert.equal(r.dtype, 'float32');
  assert.equal(r.c, true);
  for (const n of r.norms) assert.ok(Math.abs(n - 1) < 1e-5, `norm ${n}`);
  assert.deepEqual(Float32Array.from(r.flat), data);
  // numpy's own header for this shape is byte-identical to ours.
  const theirs = join(dir, 'theirs.npy');
  numpy('np.save(sys.argv[2], np.load(sys.argv[1])); print("null")', [file, theirs]);
  assert.deepEqual(await readFile(theirs), await readFile(file));
});

test('arrays numpy wrote (format 1.0, 2.0, 3.0; 1-D, 2-D, empty) read back exactly', async () => {
  const dir = await tmp();
  numpy(
    `d = sys.argv[1]
rng = np.random.default_rng(7)
a = rng.standard_normal((5, 7)).astype(np.float32)
np.save(d + '/v1.npy', a)
for v in [(2, 0), (3, 0)]:
    with open(d + '/v%d.npy' % v[0], 'wb') as f:
        np.lib.format.write_array(f, a, version=v)
np.save(d + '/flat.npy', np.arange(6, dtype=np.float32))
np.save(d + '/empty.npy', np.zeros((0, 128), dtype=np.float32))
np.save(d + '/ref.npy', a.astype(np.float64))
print("null")`,
    [dir],
  );
  const ref = numpy<number[]>('print(json.dumps(np.load(sys.argv[1]).ravel().tolist()))', [join(dir, 'ref.npy')]);
  for (const v of ['v1', 'v2', 'v3']) {
    const arr = await readNpy(join(dir, `${v}.npy`));
    assert.deepEqual(arr.shape, [5, 7], v);
    assert.deepEqual(arr.data, Float32Array.from(ref), v);
  }
  assert.deepEqual(await readNpy(join(dir, 'flat.npy')), { shape: [6], data: Float32Array.from([0, 1, 2, 3, 4, 5]) });
  assert.deepEqual(await readNpy(join(dir, 'empty.npy')), { shape: [0, 128], data: new Float32Array(0) });
});

test('a lying header (shape larger than the data) is refused, naming the file, and the file is untouched', async () => {
  const dir = await tmp();
  const file = join(dir, 'lying.npy');
  const header = encodeNpyHeader([10, 128]);
  const bytes = Buffer.concat([header, Buffer.from(new Float32Array(4 * 128).buffer)]);
  await writeFile(file, bytes);
  const err = await assertRejects(() => readNpy(file), /lying\.npy: shape: header claims shape \(10, 128\) = 5120 bytes .* only 2048 bytes/);
  assert.equal(err.file, file);
  assert.deepEqual(await readFile(file), bytes);
  // numpy agrees the file is broken.
  const verdict = numpy<string>('\ntry:\n  np.load(sys.argv[1]); print(json.dumps("loaded"))\nexcept Exception as e:\n  print(json.dumps("error"))', [file]);
  assert.equal(verdict, 'error');
});

test('other dtypes, Fortran order, trailing bytes and non-.npy files are refused', async () => {
  const dir = await tmp();
  numpy(
    `d = sys.argv[1]
a = np.arange(6, dtype=np.float32).reshape(2, 3)
np.save(d + '/f64.npy', a.astype(np.float64))
np.save(d + '/be.npy', a.astype('>f4'))
np.save(d + '/fortran.npy', np.asfortranarray(a))
print("null")`,
    [dir],
  );
  await assertRejects(() => readNpy(join(dir, 'f64.npy')), /f64\.npy: descr: dtype <f8 is not supported/);
  await assertRejects(() => readNpy(join(dir, 'be.npy')), /dtype >f4 is not supported/);
  await assertRejects(() => readNpy(join(dir, 'fortran.npy')), /fortran_order: Fortran-order arrays are not supported/);
  const good = join(dir, 'good.npy');
  await writeNpy(good, new Float32Array(6), [2, 3]);
  await writeFile(join(dir, 'trailing.npy'), Buffer.concat([await readFile(good), Buffer.alloc(4)]));
  await assertRejects(() => readNpy(join(dir, 'trailing.npy')), /4 bytes after the \(2, 3\) float32 data/);
  await writeFile(join(dir, 'text.npy'), 'hello');
  await assertRejects(() => readNpy(join(dir, 'text.npy')), /not an \.npy file/);
});

test('NaN/Infinity: refused by the reader when asked, and never written over an existing file', async () => {
  const dir = await tmp();
  const file = join(dir, 'nan.npy');
  numpy('a = np.ones((3, 4), dtype=np.float32); a[2, 1] = np.nan; np.save(sys.argv[1], a); print("null")', [file]);
  const loose = await readNpy(file);
  assert.ok(Number.isNaN(loose.data[9]));
  await assertRejects(() => readNpy(file, { requireFinite: true }), /nan\.npy: row 2, column 1: NaN is not a finite number/);

  const target = join(dir, 'keep.npy');
  await writeNpy(target, Float32Array.from([1, 0, 0, 1]), [2, 2]);
  const before = await readFile(target);
  await assertRejects(() => writeNpy(target, Float32Array.from([1, 0, Infinity, 1]), [2, 2]), /refusing to write: Infinity/);
  await assertRejects(() => writeNpy(target, Float32Array.from([1, 0, 0]), [2, 2]), /needs 4 values but data has 3/);
  assert.deepEqual(await readFile(target), before);
});
