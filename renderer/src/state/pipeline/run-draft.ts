// What the Run dialog holds between openings (kept in the pipeline slice, so nothing typed is lost when
// the dialog closes or a check fails) and the checks made before asking the host. The host checks the
// rest (the video is a readable video, the episode id is free) and names the field it refuses.
import { isEpId } from '../../../../shared/episode';
import type { Settings } from '../../../../shared/ipc';

export interface RunDraft {
  video_path: string;
  ep_id: string;
  /** Run again on an existing episode: it resumes from its completed stages. */
  rerun: boolean;
  /** Settings for this run; null = the saved settings. */
  settings: Settings | null;
  advanced: boolean;
  /** The file browser: open, and where (root id + path inside it). */
  browsing: boolean;
  browseAt: { root?: string; path: string };
}

export type RunField = 'video_path' | 'ep_id';
export type RunErrors = Partial<Record<RunField | 'form', string>>;

export const EP_ID_HINT = 'Episode ids look like show-s01e02 (lower case).';

export const emptyDraft = (): RunDraft => ({ video_path: '', ep_id: '', rerun: false, settings: null, advanced: false, browsing: false, browseAt: { path: '' } });

/** "show-s01e02.mp4" → "show-s01e02" when the file name already is an episode id. */
export function guessEpId(fileName: string): string {
  const stem = fileName.replace(/\.[^.]+$/, '').toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  return isEpId(stem) ? stem : '';
}

/** The checks the dialog can make itself; empty when the host should be asked. */
export function checkDraft(d: RunDraft, existing: ReadonlySet<string>): RunErrors {
  const errors: RunErrors = {};
  if (!d.video_path.trim()) errors.video_path = 'Choose a video with Browse…, or type its path on the machine running the service.';
  else if (!d.video_path.trim().startsWith('/') && !/^[a-zA-Z]:[\\/]/.test(d.video_path.trim())) errors.video_path = 'Give the full path (starting with /).';
  if (!isEpId(d.ep_id)) errors.ep_id = EP_ID_HINT;
  else if (existing.has(d.ep_id) && !d.rerun) errors.ep_id = `${d.ep_id} already exists. Tick "Re-run" to resume it, or choose another id.`;
  return errors;
}
