import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imageToTensor } from './preprocess';

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
