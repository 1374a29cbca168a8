import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { detectionSchema, faceSchema, trackMetricsSchema } from '../../shared/schema';
import { readJson, writeJson } from './json';
import { readJsonl, readJsonlRows, writeJsonl } from './jsonl';
import type { DetectionInput, FaceInput } from './artifacts';
import { FIXTURE_DIM, faceSamples } from '../../test-support/store-fixture';
import { tempDir } from '../../test-support/tmp';
import { rejectsStoreError as rejects } from '../../test-support/assert';

const tmp = () => tempDir('jsonl-test-');

const det = (frame_idx: number): DetectionInput => ({
  ep_id: 'rhobh-s05e02',
  frame_idx,
  ts_s: frame_idx / 25,
  bbox: [0.1, 0.2, 0.3, 0.4],
  landmarks: [0.15, 0.25, 0.25, 0.25, 0.2, 0.3, 0.15, 0.35, 0.25, 0.35],
  conf: 0.95,
  model_id: 'scrfd_500m',
  schema_version: 'det_v1',
});

/** Reading `text` must fail with `pattern` at `line`, and must leave the file byte-identical. */
async function hostile(name: string, text: string, pattern: RegExp, line: number) {
  const dir = await tmp();
  const file = join(dir, `${name}.jsonl`);
  await writeFile(file, text);
  const err = await rejects(() => readJsonl(file, detectionSchema), pattern);
  assert.equal(err.file, file);
  assert.equal(err.line, line);
  assert.equal(await readFile(file, 'utf8'), text, 'reading must not change the file');
}

test('detections round-trip through writeJsonl → readJsonl, streamed with line numbers', async () => {
  const dir = await tmp();
  const file = join(dir, 'detections.jsonl');
  const rows = Array.from({ length: 5000 }, (_, i) => det(i));
  assert.equal(await writeJsonl(file, rows, detectionSchema), 5000);
  const text = await readFile(file, 'utf8');
  assert.equal(text.split('\n').length, 5001);
  assert.ok(text.endsWith('\n'));
  assert.deepEqual(await readJsonl(file, detectionSchema), rows);
  let last = 0;
  for await (const { line, value } of readJsonlRows(file, detectionSchema)) {
    assert.equal(line, value.frame_idx + 1);
    last = line;
  }
  assert.equal(last, 5000);
});

test('a truncated last line is an error naming the line, not silently dropped', async () => {
  const full = JSON.stringify(det(1));
  await hostile('truncated', `${JSON.stringify(det(0))}\n${full.slice(0, full.length - 9)}`, /truncated\.jsonl:2: truncated last line/, 2);
});

test('a torn tail can be ignored on request (append-only logs), the complete lines are kept', async () => {
  const dir = await tmp();
  const file = join(dir, 'journal.jsonl');
  const full = JSON.stringify(det(1));
  await writeFile(file, `${JSON.stringify(det(0))}\n${full.slice(0, 20)}`);
  assert.deepEqual(await readJsonl(file, detectionSchema, { tornTail: 'ignore' }), [det(0)]);
});

test('a line that is not JSON is an error naming its line', async () => {
  await hostile('notjson', `${JSON.stringify(det(0))}\n{"ep_id": "rhobh-s05e02", frame_idx: 3}\n${JSON.stringify(det(2))}\n`, /notjson\.jsonl:2: not valid JSON/, 2);
  await hostile('blank', `${JSON.stringify(det(0))}\n\n${JSON.stringify(det(2))}\n`, /blank\.jsonl:2: empty line/, 2);
});

test('wrong schema_version and a bbox outside [0, 1] name line and field', async () => {
  const rows = [det(0), det(1), det(2)].map((r) => JSON.stringify(r));
  await hostile('version', [rows[0], rows[1], JSON.stringify({ ...det(2), schema_version: 'det_v2' })].join('\n') + '\n', /version\.jsonl:3: schema_version: .*det_v1/, 3);
  await hostile('bbox', [rows[0], JSON.stringify({ ...det(1), bbox: [0.1, 0.2, 1.3, 0.4] }), rows[2]].join('\n') + '\n', /bbox\.jsonl:2: bbox\[2\]: must be in \[0, 1\]/, 2);
  await hostile('order', [JSON.stringify({ ...det(0), bbox: [0.5, 0.2, 0.3, 0.4] })].join('\n') + '\n', /order\.jsonl:1: bbox: bbox must satisfy x1 ≤ x2/, 1);
});

test('Infinity and NaN in an embedding are refused on read and on write', async () => {
  const dir = await tmp();
  const [s] = await faceSamples();
  const face: FaceInput = { face_id: 'face-00001', track_id: 'track-00001', frame_idx: 0, bbox: [0.1, 0.1, 0.4, 0.5], landmarks: new Array(10).fill(0.2), embedding: Array.from(s.embedding), quality_score: 0.9, crop_path: '' };
  const schema = faceSchema(FIXTURE_DIM);
  const file = join(dir, 'faces.jsonl');
  await writeJsonl(file, [face], schema);
  const good = await readFile(file);
  // JSON has no Infinity literal, but 1e999 parses to Infinity.
  const inf = JSON.stringify(face).replace(/"embedding":\[([^,]+),/, '"embedding":[1e999,');
  await writeFile(join(dir, 'inf.jsonl'), inf + '\n');
  await rejects(() => readJsonl(join(dir, 'inf.jsonl'), schema), /inf\.jsonl:1: embedding\[0\]: .*(finite|received Infinity)/);
  await writeFile(join(dir, 'nan.jsonl'), JSON.stringify(face).replace(/"embedding":\[([^,]+),/, '"embedding":[NaN,') + '\n');
  await rejects(() => readJsonl(join(dir, 'nan.jsonl'), schema), /nan\.jsonl:1: not valid JSON/);

  const emb = Array.from(s.embedding);
  emb[5] = NaN;
  await rejects(() => writeJsonl(file, [face, { ...face, face_id: 'face-00002', embedding: emb }], schema), /faces\.jsonl:2: embedding\[5\]: refusing to write: .*(finite|received NaN)/);
  await rejects(() => writeJsonl(file, [{ ...face, embedding: emb.slice(0, 64) }], schema), /embedding must have 128 numbers/);
  await rejects(() => writeJsonl(file, [{ ...face, embedding: Array.from(s.embedding, (v) => v * 2) }], schema), /unit-norm/);
  assert.deepEqual(await readFile(file), good, 'the valid file on disk must be unchanged');
});

test('writeJsonl validates every row before touching the destination', async () => {
  const dir = await tmp();
  const file = join(dir, 'detections.jsonl');
  await writeJsonl(file, [det(0), det(1)], detectionSchema);
  const before = await readFile(file);
  const rows = Array.from({ length: 100 }, (_, i) => det(i));
  rows[99] = { ...det(99), conf: 1.5 };
  await rejects(() => writeJsonl(file, rows, detectionSchema), /detections\.jsonl:100: conf: refusing to write: must be in \[0, 1\]/);
  await rejects(() => writeJsonl(file, [det(0), { ...det(1), bbox: [0.1, 0.2, 0.3, 1.4] }], detectionSchema), /detections\.jsonl:2: bbox\[3\]: refusing to write: must be in \[0, 1\]/);
  await rejects(() => writeJsonl(file, [{ ...det(0), schema_version: 'det_v0' as 'det_v1' }], detectionSchema), /detections\.jsonl:1: schema_version: refusing to write/);
  assert.deepEqual(await readFile(file), before);
});

test('JSON artifacts: errors carry the line of the bad field; invalid values are never written', async () => {
  const dir = await tmp();
  const file = join(dir, 'track_metrics.json');
  const metrics = {
    ep_id: 'rhobh-s05e02', tracks_born: 42, tracks_lost: 40, id_switches: 2, longest_tracks: [{ track_id: 'track-00005', length: 512 }],
    avg_tracks_per_frame: 2.3, tracks_per_minute: 18.5, short_track_fraction: 0.12, total_frames: 2400, analyzed_fps: 8, elapsed_sec: 120.5,
    device: 'cpu', detector: 'retinaface', tracker: 'bytetrack', scene_cuts: 5,
  };
  await writeJson(file, metrics, trackMetricsSchema);
  assert.deepEqual(await readJson(file, trackMetricsSchema), metrics);
  const before = await readFile(file);
  await rejects(() => writeJson(file, { ...metrics, longest_tracks: [{ track_id: 'track-5', length: 1 }] }, trackMetricsSchema), /longest_tracks\[0\]\.track_id: refusing to write: must match track-\{N:05d\}/);
  assert.deepEqual(await readFile(file), before);

  const bad = join(dir, 'bad.json');
  await writeFile(bad, before.toString().replace('"track-00005"', '"track-5"'));
  const err = await rejects(() => readJson(bad, trackMetricsSchema), /bad\.json:8: longest_tracks\[0\]\.track_id: must match/);
  assert.equal(err.line, 8);
  await writeFile(bad, '{\n  "ep_id": "rhobh-s05e02",\n  "tracks_born": 4\n  "x": 1\n}\n');
  await rejects(() => readJson(bad, trackMetricsSchema), /bad\.json:4: not valid JSON/);
});
