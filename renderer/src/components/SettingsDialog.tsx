import { useState } from 'react';
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/ipc';
import { useApp } from '../state/store';
import { Dialog } from './Dialog';
import { ModelsPanel, PackSelect, useModels } from './ModelsPanel';
import { SettingsFields } from './SettingsFields';

export function SettingsDialog({ onClose }: { onClose: () => void }) {
  const saved = useApp((s) => s.settings);
  const saveSettings = useApp((s) => s.saveSettings);
  const [value, setValue] = useState<Settings>(saved ?? DEFAULT_SETTINGS);
  // The workspace's saved settings: every knob shown at once (the Run dialog keeps them under Advanced).
  const [advanced, setAdvanced] = useState(true);
  const models = useModels();
  return (
    <Dialog title="Settings" onClose={onClose} testId="settings-dialog">
      <PackSelect value={value.packId} onChange={(packId) => setValue({ ...value, packId })} models={models.list} />
      <SettingsFields value={value} onChange={setValue} advanced={advanced} onAdvanced={setAdvanced} />
      <ModelsPanel
        models={models}
        currentPack={saved?.packId ?? value.packId}
        onUseByDefault={(packId) => {
          setValue({ ...value, packId });
          void saveSettings({ ...value, packId });
        }}
        onRemoved={(id, defaultPack) => {
          if (value.packId !== id && saved?.packId !== id) return;
          setValue({ ...value, packId: defaultPack });
          void saveSettings({ ...value, packId: defaultPack });
        }}
      />
      <div className="actions">
        <button className="btn" onClick={onClose}>Cancel</button>
        <button
          className="btn primary"
          data-testid="settings-save"
          onClick={async () => {
            await saveSettings(value);
            onClose();
          }}
        >
          Save
        </button>
      </div>
    </Dialog>
  );
}
