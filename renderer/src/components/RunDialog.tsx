import { useState } from 'react';
import { isEpId } from '../../../shared/episode';
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/ipc';
import { pathForFile } from '../api/client';
import { useApp } from '../state/store';
import { Dialog } from './Dialog';
import { PackSelect, useModels } from './ModelsPanel';
import { SettingsFields } from './SettingsFields';

/** "show-s01e02.mp4" → "show-s01e02" when the file name already is an episode id. */
function guessEpId(fileName: string): string {
  const stem = fileName.replace(/\.[^.]+$/, '').toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  return isEpId(stem) ? stem : '';
}

export function RunDialog({ onClose }: { onClose: () => void }) {
  const saved = useApp((s) => s.settings);
  const startRun = useApp((s) => s.startRun);
  const [settings, setSettings] = useState<Settings>(saved ?? DEFAULT_SETTINGS);
  const [videoPath, setVideoPath] = useState('');
  const [epId, setEpId] = useState('');
  const epOk = isEpId(epId);
  const models = useModels();
  return (
    <Dialog title="Run on a new video" onClose={onClose} testId="run-dialog">
      <label className="field">
        Video file
        <input
          type="file"
          accept="video/*"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (!f) return;
            // In Electron the preload can resolve the absolute path (webUtils.getPathForFile); a plain
            // browser only gives the name, so the path field below is filled by hand there.
            const path = pathForFile(f);
            if (path) setVideoPath(path);
            if (!epId) setEpId(guessEpId(f.name));
          }}
        />
      </label>
      <label className="field">
        Absolute path of the video (on the machine running the service)
        <input type="text" value={videoPath} onChange={(e) => setVideoPath(e.target.value)} placeholder="/videos/show-s01e01.mp4" data-testid="run-path" />
      </label>
      <label className="field">
        Episode id
        <input type="text" value={epId} onChange={(e) => setEpId(e.target.value.trim())} placeholder="show-s01e01" aria-invalid={!!epId && !epOk} data-testid="run-ep-id" />
      </label>
      {epId && !epOk && <div className="hint">Episode ids look like show-s01e02 (lower case).</div>}
      <PackSelect value={settings.packId} onChange={(packId) => setSettings({ ...settings, packId })} models={models.list} />
      <SettingsFields value={settings} onChange={setSettings} />
      <div className="actions">
        <button className="btn" onClick={onClose}>Cancel</button>
        <button
          className="btn primary"
          disabled={!epOk || !videoPath}
          data-testid="run-start"
          onClick={async () => {
            onClose();
            await startRun({ ep_id: epId, video_path: videoPath, settings });
          }}
        >
          Start
        </button>
      </div>
    </Dialog>
  );
}
