// Run on a video: the video (a file browser over the host's folders, a typed path, or in Electron the
// native picker), the episode id (free, or "Re-run" to resume an existing one), the model pack and the
// settings as a preset with Advanced. Everything typed lives in the pipeline slice's draft, so a
// refused start or closing the dialog loses nothing; it closes only once the run has started.
import { useEffect, useRef } from 'react';
import { isEpId } from '../../../shared/episode';
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/ipc';
import { isElectron, pathForFile } from '../api/client';
import { EP_ID_HINT, guessEpId } from '../state/pipeline/run-draft';
import { useApp } from '../state/store';
import { Dialog } from './Dialog';
import { FileBrowser } from './FileBrowser';
import { PackSelect, useModels } from './ModelsPanel';
import { SettingsFields } from './SettingsFields';

function FieldError({ id, text }: { id: string; text: string | undefined }) {
  return text ? <div className="field-error" id={id} role="alert" data-testid={id}>{text}</div> : null;
}

function VideoField() {
  const draft = useApp((s) => s.runDraft);
  const error = useApp((s) => s.runErrors.video_path);
  const update = useApp((s) => s.updateRunDraft);
  return (
    <div className="run-video">
      <label className="field">
        Video (a path on the machine running the service)
        <span className="input-row">
          <input
            type="text"
            value={draft.video_path}
            onChange={(e) => update({ video_path: e.target.value })}
            placeholder="/videos/show-s01e01.mp4"
            aria-invalid={!!error}
            aria-describedby={error ? 'run-path-error' : undefined}
            data-testid="run-path"
          />
          <button type="button" className="btn" aria-expanded={draft.browsing} onClick={() => update({ browsing: !draft.browsing })} data-testid="run-browse">
            {draft.browsing ? 'Hide folders' : 'Browse…'}
          </button>
          {isElectron() && (
            <label className="btn file-pick">
              Choose file…
              <input
                type="file"
                accept="video/*"
                onChange={(e) => {
                  const f = e.target.files?.[0];
                  if (!f) return;
                  // Electron's preload resolves the absolute path (webUtils.getPathForFile).
                  const path = pathForFile(f);
                  if (path) update({ video_path: path, ...(draft.ep_id ? {} : { ep_id: guessEpId(f.name) }) });
                }}
              />
            </label>
          )}
        </span>
      </label>
      <FieldError id="run-path-error" text={error} />
      {draft.browsing && <FileBrowser />}
    </div>
  );
}

function EpisodeField() {
  const draft = useApp((s) => s.runDraft);
  const refused = useApp((s) => s.runErrors.ep_id);
  const update = useApp((s) => s.updateRunDraft);
  const error = refused ?? (draft.ep_id && !isEpId(draft.ep_id) ? EP_ID_HINT : undefined);
  const exists = useApp((s) => s.episodes.some((e) => e.ep_id === draft.ep_id));
  return (
    <div className="run-ep">
      <span className="input-row">
        <label className="field">
          Episode id
          <input
            type="text"
            value={draft.ep_id}
            onChange={(e) => update({ ep_id: e.target.value.trim() })}
            placeholder="show-s01e01"
            aria-invalid={!!error}
            aria-describedby={error ? 'run-ep-error' : undefined}
            data-testid="run-ep-id"
          />
        </label>
        <label className="check" title="Run again on an existing episode: completed stages are kept and the run resumes after them">
          <input type="checkbox" checked={draft.rerun} onChange={(e) => update({ rerun: e.target.checked })} data-testid="run-rerun" />
          Re-run{exists ? ` ${draft.ep_id}` : ''} (resume an existing episode)
        </label>
      </span>
      <FieldError id="run-ep-error" text={error} />
    </div>
  );
}

export function RunDialog({ onClose }: { onClose: () => void }) {
  const saved = useApp((s) => s.settings);
  const draft = useApp((s) => s.runDraft);
  const formError = useApp((s) => s.runErrors.form);
  const starting = useApp((s) => s.runStarting);
  const update = useApp((s) => s.updateRunDraft);
  const submit = useApp((s) => s.submitRun);
  const errors = useApp((s) => s.runErrors);
  const settings: Settings = draft.settings ?? saved ?? DEFAULT_SETTINGS;
  const models = useModels();
  const form = useRef<HTMLFormElement>(null);
  // A refused start puts the keyboard on the field it is about.
  useEffect(() => form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), [errors]);
  return (
    <Dialog title="Run on a video" onClose={onClose} testId="run-dialog">
      <form
        ref={form}
        className="run-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!starting) void submit();
        }}
      >
        <VideoField />
        <EpisodeField />
        <PackSelect value={settings.packId} onChange={(packId) => update({ settings: { ...settings, packId } })} models={models.list} />
        <SettingsFields value={settings} onChange={(next) => update({ settings: next })} advanced={draft.advanced} onAdvanced={(advanced) => update({ advanced })} />
        <FieldError id="run-form-error" text={formError} />
        <div className="actions">
          <button type="button" className="btn" onClick={onClose}>Close</button>
          <button
            type="submit"
            className="btn primary"
            // Not disabled while the host checks: a disabled button would drop the keyboard focus out of the dialog.
            aria-disabled={starting}
            disabled={!draft.video_path.trim() || !isEpId(draft.ep_id)}
            data-testid="run-start"
          >
            {starting ? 'Checking…' : 'Start'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
