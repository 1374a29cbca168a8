import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imageToBytes, imageToTensor } from './preprocess';

const spec = { layout: 'NCHW' as const, channelOrder: 'BGR' as const, mean: [127, 127, 127] as [number, number, number], std: [128, 128, 128] as [number, number, number], resize: 'letterbox' as const };

test('a frame already at the model\'s width is normalised, channel-swapped and padded below, not resampled', () => {
  const w = 8, h = 3;
  const data = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 37) % 256);
  const t = imageToTensor({ data, width: w, height: h }, spec, [8, 4]);
  assert.deepEqual(t.dims, [1, 3, 4, 8]);
  assert.deepEqual([t.scaleX, t.scaleY], [1, 1]);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 8; x++) {
        const got = t.data[c * 32 + y * 8 + x];
        const want = y < h ? (data[(y * w + x) * 3 + (2 - c)] - 127) / 128 : -127 / 128;
        assert.ok(Math.abs(got - want) < 1e-6, `c${c} (${x}, ${y}): ${got} vs ${want}`);
      }
    }
  }
});

test('the same frame through the resampling path (stretched to twice the size) keeps its corner pixels', () => {
  const w = 4, h = 2;
  const data = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 53) % 256);
  const t = imageToTensor({ data, width: w, height: h }, { ...spec, resize: 'stretch' }, [8, 4]);
  assert.deepEqual([t.scaleX, t.scaleY], [2, 2]);
  assert.ok(Math.abs(t.data[0] - (data[2] - 127) / 128) < 1e-6, 'top-left pixel, B channel first');
});

test('same-size path, NHWC and RGB: a narrower frame is normalised in place and padded on the right', () => {
  const w = 6, h = 4;
  const data = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 29 + 7) % 256);
  const nhwc = { ...spec, layout: 'NHWC' as const, channelOrder: 'RGB' as const, mean: [10, 20, 30] as [number, number, number], std: [2, 4, 8] as [number, number, number] };
  const t = imageToTensor({ data, width: w, height: h }, nhwc, [8, 4]);
  assert.deepEqual(t.dims, [1, 4, 8, 3]);
  assert.deepEqual([t.scaleX, t.scaleY], [1, 1]);
  for (let y = 0; y < 4; y++) {
    for (let x = 0; x < 8; x++) {
      for (let c = 0; c < 3; c++) {
        const got = t.data[(y * 8 + x) * 3 + c];
        const want = x < w ? (data[(y * w + x) * 3 + c] - nhwc.mean[c]) / nhwc.std[c] : -nhwc.mean[c] / nhwc.std[c];
        assert.ok(Math.abs(got - want) < 1e-6, `c${c} (${x}, ${y}): ${got} vs ${want}`);
      }
    }
  }
});

test('bytes for a graph that normalises itself: the same pixels and padding as the float path, before normalising', () => {
  const rgb = { ...spec, layout: 'NHWC' as const, channelOrder: 'RGB' as const };
  for (const [w, h] of [[8, 3], [6, 4]]) {
    const data = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 37) % 256);
    const img = { data, width: w, height: h };
    const b = imageToBytes(img, rgb, [8, 4]);
    const f = imageToTensor(img, rgb, [8, 4]);
    assert.deepEqual(b.dims, [1, 4, 8, 3]);
    assert.deepEqual([b.scaleX, b.scaleY], [f.scaleX, f.scaleY]);
    b.data.forEach((v, i) => assert.equal((v - 127) / 128, f.data[i], `${w}×${h} element ${i}`));
  }
  // A reused buffer holding an older frame: the padding is written again, not left over.
  const out = new Uint8Array(8 * 4 * 3).fill(200);
  const b = imageToBytes({ data: new Uint8Array(6 * 4 * 3).fill(9), width: 6, height: 4 }, rgb, [8, 4], out);
  assert.equal(b.data, out);
  assert.deepEqual([...new Set(b.data)].sort((x, y) => x - y), [0, 9]);
});

test('bytes through the resampling path are the float path rounded; NCHW bytes are refused', () => {
  const rgb = { ...spec, layout: 'NHWC' as const, channelOrder: 'BGR' as const, resize: 'stretch' as const };
  const data = Uint8Array.from({ length: 5 * 3 * 3 }, (_, i) => (i * 53) % 256);
  const img = { data, width: 5, height: 3 };
  const b = imageToBytes(img, rgb, [8, 4]);
  const f = imageToTensor(img, { ...rgb, mean: [0, 0, 0], std: [1, 1, 1] }, [8, 4]);
  b.data.forEach((v, i) => assert.equal(v, Math.round(f.data[i])));
  assert.throws(() => imageToBytes(img, spec, [8, 4]), /uint8 input must be NHWC/);
});
