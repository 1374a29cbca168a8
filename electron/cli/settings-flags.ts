// Command-line flags generated from the settings schema (shared/schema/settings.ts): every setting is
// a flag named after it in kebab case (`minFaceSize` → --min-face-size), its `.describe()` text is
// the help line, a boolean has a --no-… form, and the values are checked by the schema itself, so a
// bad value is refused, naming the flag, before any work starts or any job is queued. `run` and
// `queue add` take every setting; `cluster` and `cleanup` the ones their stage reads.
import { z } from 'zod';
import { pipelineSettingsSchema, type PipelineSettingsInput } from '../../shared/schema/settings';
import { innerSetting as inner } from '../../shared/schema/settings-fields';
import type { SettingKey } from '../pipeline/context';
import { parseNumber } from './args';

export const SETTING_KEYS = Object.keys(pipelineSettingsSchema.shape) as SettingKey[];

/** Flag names kept from before the flags were generated (scripts and docs use them). */
const FLAG_ALIASES: Partial<Record<SettingKey, string>> = { packId: 'pack' };
const NEGATED_ALIASES: Partial<Record<SettingKey, string>> = { saveCrops: 'no-crops' };

type Kind = 'boolean' | 'number' | 'string';

export const flagOf = (key: SettingKey): string => FLAG_ALIASES[key] ?? key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function kindOf(key: SettingKey): Kind {
  const s = inner(key);
  return s instanceof z.ZodBoolean ? 'boolean' : s instanceof z.ZodNumber ? 'number' : 'string';
}

function negatedFlags(key: SettingKey): string[] {
  return [`no-${flagOf(key)}`, ...(NEGATED_ALIASES[key] ? [NEGATED_ALIASES[key]] : [])];
}

export type FlagOptions = Record<string, { type: 'string' | 'boolean' }>;

/** node:util parseArgs options for these settings. */
export function settingsOptions(keys: readonly SettingKey[] = SETTING_KEYS): FlagOptions {
  const opts: FlagOptions = {};
  for (const key of keys) {
    const boolean = kindOf(key) === 'boolean';
    opts[flagOf(key)] = { type: boolean ? 'boolean' : 'string' };
    if (boolean) for (const n of negatedFlags(key)) opts[n] = { type: 'boolean' };
  }
  return opts;
}

function valueHint(key: SettingKey): string {
  const s = inner(key);
  if (s instanceof z.ZodEnum) return ` ${(s.options as string[]).join('|')}`;
  return s instanceof z.ZodNumber ? ' N' : s instanceof z.ZodString ? ' S' : '';
}

/** One help line per setting: flag, description, default. */
export function settingsUsage(keys: readonly SettingKey[] = SETTING_KEYS): string {
  const defaults = pipelineSettingsSchema.parse({}) as Record<string, unknown>;
  const rows = keys.map((key) => {
    const flag = kindOf(key) === 'boolean' ? `--[no-]${flagOf(key)}` : `--${flagOf(key)}${valueHint(key)}`;
    const def = defaults[key] === undefined ? '' : ` (default ${String(defaults[key])})`;
    return [flag, `${pipelineSettingsSchema.shape[key].description ?? key}${def}`];
  });
  const width = Math.max(...rows.map(([f]) => f.length)) + 2;
  return rows.map(([f, d]) => `  ${f.padEnd(width)}${d}`).join('\n');
}

export type FlagValues = Record<string, string | boolean | undefined>;

/** A bound the schema sets (zod reports the safe-integer limits when there is none). */
const bound = (v: number | null) => (v !== null && Math.abs(v) < Number.MAX_SAFE_INTEGER ? v : undefined);

/** A flag's string value as its setting: numbers in the schema's range, enums among their options. */
function fromText(key: SettingKey, raw: string): unknown {
  const s = inner(key);
  const flag = `--${flagOf(key)}`;
  if (s instanceof z.ZodNumber) return parseNumber(flag, raw, { min: bound(s.minValue), max: bound(s.maxValue), integer: s.isInt });
  const options = s instanceof z.ZodEnum ? (s.options as string[]) : null;
  if (options && !options.includes(raw)) throw new Error(`${flag} must be one of ${options.join(', ')}, got "${raw}"`);
  return raw;
}

/**
 * The settings the flags name (nothing for an absent flag); throws naming the flag, as
 * `--stride must be an integer ≥ 1, got "0"`, or `invalid option --<flag>: …` for what else the schema refuses.
 */
export function settingsFromFlags(values: FlagValues, keys: readonly SettingKey[] = SETTING_KEYS): PipelineSettingsInput {
  const input: Record<string, unknown> = {};
  for (const key of keys) {
    const raw = values[flagOf(key)];
    if (kindOf(key) === 'boolean') {
      if (raw === true) input[key] = true;
      if (negatedFlags(key).some((n) => values[n] === true)) input[key] = false;
    } else if (typeof raw === 'string') input[key] = fromText(key, raw);
  }
  const checked = pipelineSettingsSchema.partial().safeParse(input);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const key = issue.path[0] as SettingKey | undefined;
    throw new Error(`invalid option ${key ? `--${flagOf(key)}` : issue.path.join('.')}: ${issue.message}`);
  }
  return input as PipelineSettingsInput;
}
