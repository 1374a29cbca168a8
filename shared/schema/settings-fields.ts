// What a form (the app's Settings and Run dialogs) or a flag parser (the CLI) needs to know of each
// run setting, read from the settings schema itself: its kind, choices, bounds, whether it may be
// left unset, and its one-line help (the `.describe()` text). Pure.
import { z } from 'zod';
import { pipelineSettingsSchema, type PipelineSettings } from './settings';

export type SettingKey = keyof PipelineSettings;

/** The setting's own schema, without its default / optional wrappers. */
export function innerSetting(key: SettingKey): z.ZodType {
  let s = pipelineSettingsSchema.shape[key] as z.ZodType;
  while (s instanceof z.ZodDefault || s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
  return s;
}

export type SettingField =
  | { key: SettingKey; kind: 'boolean'; help: string }
  | { key: SettingKey; kind: 'enum'; options: string[]; help: string }
  | { key: SettingKey; kind: 'number'; int: boolean; min: number | null; max: number | null; optional: boolean; help: string }
  | { key: SettingKey; kind: 'string'; help: string };

export function settingField(key: SettingKey): SettingField {
  const outer = pipelineSettingsSchema.shape[key] as z.ZodType;
  const help = outer.description ?? '';
  const s = innerSetting(key);
  if (s instanceof z.ZodBoolean) return { key, kind: 'boolean', help };
  if (s instanceof z.ZodEnum) return { key, kind: 'enum', options: s.options as string[], help };
  if (s instanceof z.ZodNumber) {
    const finite = (n: number | null) => (n !== null && Number.isFinite(n) && Math.abs(n) < Number.MAX_SAFE_INTEGER ? n : null);
    return { key, kind: 'number', int: s.isInt, min: finite(s.minValue), max: finite(s.maxValue), optional: outer instanceof z.ZodOptional, help };
  }
  return { key, kind: 'string', help };
}

export const SETTING_KEYS = Object.keys(pipelineSettingsSchema.shape) as SettingKey[];
