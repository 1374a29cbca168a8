// The CLI's settings flags come from the settings schema: every setting is reachable, with its
// description as help, values are checked by the schema (naming the flag), and `run --help`,
// `cluster --help` and `cleanup --help` list what they take.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { z } from 'zod';
import { pipelineSettingsSchema } from '../../shared/schema/settings';
import type { SettingKey } from '../pipeline/context';
import { reads as clusterReads } from '../pipeline/cluster';
import { flagOf, SETTING_KEYS, settingsFromFlags, settingsOptions, settingsUsage } from './settings-flags';

const cli = (...args: string[]) => spawnSync(process.execPath, [join(import.meta.dirname, '..', '..', 'bin/screenalytics.mjs'), ...args], { encoding: 'utf8' });

/** A valid value for each setting, different from its default where the schema allows. */
function sample(key: SettingKey): { flag: string[]; value: unknown } {
  let s = pipelineSettingsSchema.shape[key] as z.ZodType;
  while (s instanceof z.ZodDefault || s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
  const f = `--${flagOf(key)}`;
  if (s instanceof z.ZodBoolean) return { flag: [f], value: true };
  if (s instanceof z.ZodEnum) {
    const last = (s.options as string[]).at(-1)!;
    return { flag: [f, last], value: last };
  }
  if (s instanceof z.ZodNumber) {
    const v = (s.minValue ?? 0) + 1 <= (s.maxValue ?? Infinity) ? (s.minValue ?? 0) + 1 : s.minValue ?? 0;
    return { flag: [f, String(v)], value: v };
  }
  return { flag: [f, 'some-value'], value: 'some-value' };
}

const parse = (argv: string[], keys?: readonly SettingKey[]) => parseArgs({ args: argv, options: settingsOptions(keys), strict: true }).values;

test('every setting is a flag, with its description as help', () => {
  assert.equal(SETTING_KEYS.length, Object.keys(pipelineSettingsSchema.shape).length);
  const usage = settingsUsage();
  for (const key of SETTING_KEYS) {
    const { flag, value } = sample(key);
    assert.deepEqual(settingsFromFlags(parse(flag)), { [key]: value }, `${flag.join(' ')} sets ${key}`);
    const description = pipelineSettingsSchema.shape[key].description;
    assert.ok(description && description.length > 8, `${key} has a description`);
    assert.ok(usage.split('\n').some((l) => l.includes(flagOf(key)) && l.includes(description)), `help line for ${key}`);
  }
});

test('booleans have a --no- form, the old flag names still work, and a bad value names its flag', () => {
  assert.deepEqual(settingsFromFlags(parse(['--no-save-crops', '--save-frames'])), { saveCrops: false, saveFrames: true });
  assert.deepEqual(settingsFromFlags(parse(['--no-crops', '--pack', 'yunet', '--analyze-fps', '5', '--cluster-thresh', '0.5'])), { saveCrops: false, packId: 'yunet', analyzeFps: 5, clusterThresh: 0.5 });
  assert.deepEqual(settingsFromFlags(parse([])), {}, 'an absent flag sets nothing: the saved setting stays');
  assert.throws(() => settingsFromFlags(parse(['--stride', '0'])), { message: '--stride must be an integer ≥ 1, got "0"' });
  assert.throws(() => settingsFromFlags(parse(['--min-confidence', 'high'])), { message: '--min-confidence must be a number in [0, 1], got "high"' });
  assert.throws(() => settingsFromFlags(parse(['--linkage', 'single'])), { message: '--linkage must be one of average, complete, ward, got "single"' });
  // A command that takes only its stage's settings refuses the others.
  assert.throws(() => parse(['--stride', '2'], clusterReads), /Unknown option '--stride'/);
  assert.deepEqual(settingsFromFlags(parse(['--linkage', 'ward'], clusterReads), clusterReads), { linkage: 'ward' });
});

test('run --help lists every setting; cluster and cleanup list the ones they read', () => {
  const run = cli('run', '--help');
  assert.equal(run.status, 0, run.stderr);
  for (const key of SETTING_KEYS) assert.match(run.stdout, new RegExp(`--(\\[no-\\])?${flagOf(key)}\\b`), `run --help names ${key}`);
  const cluster = cli('cluster', '--help');
  assert.equal(cluster.status, 0, cluster.stderr);
  assert.match(cluster.stdout, /--min-cluster-size N\s+smaller clusters become singletons \(default 2\)/);
  assert.doesNotMatch(cluster.stdout, /--stride/);
  const cleanup = cli('cleanup', '--help');
  assert.equal(cleanup.status, 0, cleanup.stderr);
  assert.match(cleanup.stdout, /--quality-gate N\s+faces below this quality score/);
});
