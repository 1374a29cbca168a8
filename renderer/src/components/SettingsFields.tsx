import type { Settings } from '../../../shared/ipc';

const DEVICES: Settings['device'][] = ['auto', 'cpu', 'cuda', 'dml', 'coreml'];

type FieldsProps = { value: Settings; onChange: (next: Settings) => void };
const num = (s: string, fallback: number) => (s !== '' && Number.isFinite(Number(s)) ? Number(s) : fallback);
const setter = ({ value, onChange }: FieldsProps) => <K extends keyof Settings>(k: K, v: Settings[K]) => onChange({ ...value, [k]: v });

/** The run settings form, shared by the Settings dialog and the run dialog (per-run overrides). */
export function SettingsFields(props: FieldsProps) {
  const { value } = props;
  const set = setter(props);
  return (
    <>
      <label className="check">
        <input type="checkbox" checked={value.saveFrames} onChange={(e) => set('saveFrames', e.target.checked)} data-testid="toggle-frame-exports" />
        Export full frames (uses a lot of disk; leave off on laptops)
      </label>
      <label className="check">
        <input type="checkbox" checked={value.saveCrops} onChange={(e) => set('saveCrops', e.target.checked)} />
        Save face crops (needed for review thumbnails)
      </label>
      <div className="row">
        <label className="field">
          Device
          <select value={value.device} onChange={(e) => set('device', e.target.value as Settings['device'])} data-testid="device">
            {DEVICES.map((d) => <option key={d} value={d}>{d}</option>)}
          </select>
        </label>
        <label className="field">
          Frame stride
          <input type="number" min={1} value={value.stride} onChange={(e) => set('stride', Math.max(1, Math.round(num(e.target.value, value.stride))))} data-testid="stride" />
        </label>
        <label className="field">
          Linkage
          <select value={value.linkage} onChange={(e) => set('linkage', e.target.value as Settings['linkage'])}>
            <option value="average">average</option>
            <option value="complete">complete</option>
            <option value="ward">ward</option>
          </select>
        </label>
      </div>
      <ThresholdFields {...props} />
    </>
  );
}

function ThresholdFields(props: FieldsProps) {
  const { value } = props;
  const set = setter(props);
  return (
    <div className="row">
      <label className="field">
        Detection confidence
        <input type="number" step={0.05} min={0} max={1} value={value.minConfidence} onChange={(e) => set('minConfidence', num(e.target.value, value.minConfidence))} />
      </label>
      <label className="field">
        Cluster threshold (blank = model default)
        <input
          type="number"
          step={0.01}
          min={-1}
          max={1}
          value={value.clusterThresh ?? ''}
          onChange={(e) => set('clusterThresh', e.target.value === '' ? undefined : num(e.target.value, 0.5))}
          data-testid="cluster-threshold"
        />
      </label>
      <label className="field">
        Min cluster size
        <input type="number" min={1} value={value.minClusterSize} onChange={(e) => set('minClusterSize', Math.max(1, Math.round(num(e.target.value, value.minClusterSize))))} />
      </label>
      <label className="field">
        Quality gate
        <input type="number" step={0.05} min={0} max={1} value={value.qualityGate} onChange={(e) => set('qualityGate', num(e.target.value, value.qualityGate))} />
      </label>
    </div>
  );
}
