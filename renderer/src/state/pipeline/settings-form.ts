// How the settings form lays out the run settings: the few shown at once (the analysis rate and the
// disk toggles) and every other knob under Advanced, in groups, each with a short label; kinds, bounds
// and help text come from the settings schema (shared/schema/settings-fields.ts). Pure.
import { settingField, SETTING_KEYS, type SettingField, type SettingKey } from '../../../../shared/schema/settings-fields';

export const LABELS: Record<SettingKey, string> = {
  stride: 'Frame stride',
  analyzeFps: 'Analysis rate (frames/s)',
  device: 'Device',
  packId: 'Model pack',
  modelsDir: 'Models folder',
  minFaceSize: 'Smallest face (px)',
  minConfidence: 'Detection confidence',
  trackThresh: 'First-round confidence',
  matchThresh: 'Match gate (1 − IoU)',
  trackBufferSec: 'Keep a lost track (s)',
  trackBuffer: 'Keep a lost track (frames)',
  newTrackThresh: 'New-track confidence',
  minTrackDetections: 'Shortest track (frames)',
  sceneCutThreshold: 'Cut threshold',
  sceneCutAdaptiveRatio: 'Cut ratio',
  staticShotMotion: 'Static-shot motion',
  minSceneLenSec: 'Shortest scene (s)',
  faceSampleSpacingSec: 'Seconds between faces',
  maxFacesPerTrack: 'Faces per track',
  qualityGate: 'Quality gate',
  saveCrops: 'Save face crops (needed for review thumbnails)',
  saveFrames: 'Export full frames (uses a lot of disk; leave off on laptops)',
  clusterThresh: 'Cluster threshold',
  minClusterSize: 'Min cluster size',
  linkage: 'Linkage',
  sameSetupLinks: 'Join faces at the same place across shots of one camera setup',
};

/** Shown with the presets: the analysis rate the presets set, and the disk toggles. */
export const MAIN_KEYS: readonly SettingKey[] = ['analyzeFps', 'stride', 'saveFrames', 'saveCrops'];

/** Under Advanced. The model pack has its own select and the models folder is not the UI's to set. */
export const ADVANCED_GROUPS: ReadonlyArray<{ title: string; keys: readonly SettingKey[] }> = [
  { title: 'Detection', keys: ['device', 'minFaceSize', 'minConfidence', 'staticShotMotion'] },
  { title: 'Faces', keys: ['maxFacesPerTrack', 'faceSampleSpacingSec', 'qualityGate'] },
  { title: 'Tracking', keys: ['trackThresh', 'matchThresh', 'newTrackThresh', 'trackBufferSec', 'trackBuffer', 'minTrackDetections'] },
  { title: 'Scene cuts', keys: ['sceneCutThreshold', 'sceneCutAdaptiveRatio', 'minSceneLenSec'] },
  { title: 'Clustering', keys: ['clusterThresh', 'minClusterSize', 'linkage', 'sameSetupLinks'] },
];

export const NOT_IN_FORM: readonly SettingKey[] = ['packId', 'modelsDir'];

/** Test ids the e2e page objects already use for some fields; the others are `setting-<key>`. */
const TEST_IDS: Partial<Record<SettingKey, string>> = { saveFrames: 'toggle-frame-exports', device: 'device', stride: 'stride', clusterThresh: 'cluster-threshold' };
export const testIdOf = (key: SettingKey) => TEST_IDS[key] ?? `setting-${key}`;

export type FormField = SettingField & { label: string; testId: string };
export const formField = (key: SettingKey): FormField => ({ ...settingField(key), label: LABELS[key], testId: testIdOf(key) });

/** Every key the form must show (all but NOT_IN_FORM). */
export const FORM_KEYS = SETTING_KEYS.filter((k) => !NOT_IN_FORM.includes(k));
