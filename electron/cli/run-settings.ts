// The run settings flags shared by `run` and `queue add`: their parseArgs options, their usage lines,
// and the PipelineSettingsInput they make (checked with the settings schema, so a bad value is refused
// before any work starts or any job is queued).
import { pipelineSettingsSchema, type PipelineSettingsInput } from '../../shared/schema/settings';

export const RUN_SETTINGS_OPTIONS = {
  stride: { type: 'string' },
  'analyze-fps': { type: 'string' },
  device: { type: 'string' },
  pack: { type: 'string' },
  'models-dir': { type: 'string' },
  'save-frames': { type: 'boolean' },
  'no-crops': { type: 'boolean' },
  'cluster-thresh': { type: 'string' },
} as const;

export const RUN_SETTINGS_USAGE = `  [--stride N] [--analyze-fps F] [--device auto|cpu|cuda|dml|coreml] [--pack ID] [--models-dir DIR]
  [--save-frames] [--no-crops] [--cluster-thresh T]`;

export type RunSettingsValues = { [K in keyof typeof RUN_SETTINGS_OPTIONS]?: (typeof RUN_SETTINGS_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

/** The settings the flags name (nothing for an absent flag); throws `invalid option <field>: …`. */
export function runSettingsFromFlags(v: RunSettingsValues): PipelineSettingsInput {
  const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));
  const input: PipelineSettingsInput = {
    ...(v.stride !== undefined ? { stride: num(v.stride) } : {}),
    ...(v['analyze-fps'] !== undefined ? { analyzeFps: num(v['analyze-fps']) } : {}),
    ...(v.device !== undefined ? { device: v.device as PipelineSettingsInput['device'] } : {}),
    ...(v.pack !== undefined ? { packId: v.pack } : {}),
    ...(v['models-dir'] !== undefined ? { modelsDir: v['models-dir'] } : {}),
    ...(v['save-frames'] ? { saveFrames: true } : {}),
    ...(v['no-crops'] ? { saveCrops: false } : {}),
    ...(v['cluster-thresh'] !== undefined ? { clusterThresh: num(v['cluster-thresh']) } : {}),
  };
  const checked = pipelineSettingsSchema.safeParse(input);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new Error(`invalid option ${issue.path.join('.')}: ${issue.message}`);
  }
  return input;
}
