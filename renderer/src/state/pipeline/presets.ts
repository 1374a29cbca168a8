// Run presets: Fast / Balanced / Accurate, each a set of the settings that decide how much of the video
// is analysed and how many faces each track keeps. Balanced is the schema's defaults. Where the values
// come from (docs/DECISIONS.md "Analysis rate", and runs of `screenalytics run` on the eval clips):
// - analysis rate: tracking and clustering held down to 6 frames/s on the synthetic episode; 10 frames/s
//   is the lowest rate that found every scene cut of the real clips (8 missed some); the detector's
//   time grows with the rate (a third of it at 10 frames/s against 30).
// - faces per track: harvest time grows with the faces kept (tv_dinner_scene: 158 faces at 6 frames/s,
//   10 per track, 1 s apart; 276 at the defaults; 406 at 15 frames/s, 30 per track, 0.33 s apart), all
//   three runs giving 13 identities; on sitcom_friends_group Fast gave 10 identities against 7 at the
//   defaults (more tracks left apart), so Fast trades some merging work for time.
// - static-shot thinning (DECISIONS "Static-shot thinning"): at 2 the detector ran on 19 % fewer frames
//   of the TV scene for one more impure identity and one mixed track; Fast takes that trade, the others
//   detect every analysed frame.
// The detector's input size is fixed by the model pack (frames are shrunk by ffmpeg to the pack's
// input), so it is not a preset setting.
import type { Settings } from '../../../../shared/ipc';
import { DEFAULT_SETTINGS } from '../../../../shared/ipc';

export type PresetId = 'fast' | 'balanced' | 'accurate';

/** The settings a preset sets; every other setting is left as it is. */
export const PRESET_KEYS = ['analyzeFps', 'stride', 'maxFacesPerTrack', 'faceSampleSpacingSec', 'staticShotMotion'] as const;
type PresetValues = Pick<Settings, (typeof PRESET_KEYS)[number]>;

export interface Preset {
  id: PresetId;
  label: string;
  /** One line: what it costs and what it gives. */
  blurb: string;
  values: PresetValues;
}

export const PRESETS: readonly Preset[] = [
  {
    id: 'fast',
    label: 'Fast',
    blurb: 'Lowest rate at which tracking held; fewer faces per track; static shots thinned. May miss quick cuts and leave more identities to merge.',
    values: { analyzeFps: 6, stride: 1, maxFacesPerTrack: 10, faceSampleSpacingSec: 1, staticShotMotion: 2 },
  },
  {
    id: 'balanced',
    label: 'Balanced',
    blurb: 'The defaults: every scene cut of the test clips found, 20 faces per track.',
    values: Object.fromEntries(PRESET_KEYS.map((k) => [k, DEFAULT_SETTINGS[k]])) as PresetValues,
  },
  {
    id: 'accurate',
    label: 'Accurate',
    blurb: 'More frames and faces per track for fast motion and hard faces; about half as slow again.',
    values: { analyzeFps: 15, stride: 1, maxFacesPerTrack: 30, faceSampleSpacingSec: 0.33, staticShotMotion: 0 },
  },
];

export function applyPreset(settings: Settings, id: PresetId): Settings {
  const p = PRESETS.find((x) => x.id === id);
  return p ? { ...settings, ...p.values } : settings;
}

/** The preset these settings match, or 'custom'. */
export function presetOf(settings: Settings): PresetId | 'custom' {
  return PRESETS.find((p) => PRESET_KEYS.every((k) => settings[k] === p.values[k]))?.id ?? 'custom';
}

/** "10 frames/s analysed" / "every 2nd frame" / "every frame": the analysis rate in words. */
export function analysisRate(s: Pick<Settings, 'analyzeFps' | 'stride'>): string {
  const every = s.stride === 1 ? 'every frame' : `every ${s.stride}${ordinal(s.stride)} frame`;
  return s.analyzeFps > 0 ? `at most ${s.analyzeFps} frames/s analysed${s.stride > 1 ? ` (of ${every})` : ''}` : `${every} analysed`;
}

function ordinal(n: number): string {
  const t = n % 100;
  if (t >= 11 && t <= 13) return 'th';
  return ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
}
