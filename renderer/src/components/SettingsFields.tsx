// The run settings form, shared by the Settings dialog and the Run dialog (per-run overrides): a preset
// (Fast / Balanced / Accurate) with the analysis rate it sets, the disk toggles, and under Advanced every
// other knob with its help text from the settings schema.
import type { Settings } from '../../../shared/ipc';
import type { SettingKey } from '../../../shared/schema/settings-fields';
import { analysisRate, applyPreset, PRESETS, presetOf } from '../state/pipeline/presets';
import { ADVANCED_GROUPS, formField, MAIN_KEYS, type FormField } from '../state/pipeline/settings-form';
import './run.css';

type FieldsProps = {
  value: Settings;
  onChange: (next: Settings) => void;
  /** Advanced open (kept by the caller: the Run dialog keeps it in its draft). */
  advanced: boolean;
  onAdvanced: (open: boolean) => void;
};

const num = (s: string, fallback: number) => (s !== '' && Number.isFinite(Number(s)) ? Number(s) : fallback);

function clamp(f: Extract<FormField, { kind: 'number' }>, n: number): number {
  let v = f.int ? Math.round(n) : n;
  if (f.min !== null) v = Math.max(f.min, v);
  if (f.max !== null) v = Math.min(f.max, v);
  return v;
}

/** One setting as a control of its kind, with its help line. */
function SettingControl({ k, value, onChange }: { k: SettingKey; value: Settings; onChange: (next: Settings) => void }) {
  const f = formField(k);
  const set = (v: unknown) => onChange({ ...value, [k]: v });
  const cur = value[k] as unknown;
  if (f.kind === 'boolean') {
    return (
      <label className="check setting" title={f.help}>
        <input type="checkbox" checked={cur === true} onChange={(e) => set(e.target.checked)} data-testid={f.testId} />
        {f.label}
      </label>
    );
  }
  let control;
  if (f.kind === 'enum') {
    control = (
      <select value={String(cur)} onChange={(e) => set(e.target.value)} data-testid={f.testId}>
        {f.options.map((o) => <option key={o} value={o}>{o}</option>)}
      </select>
    );
  } else if (f.kind === 'number') {
    const step = f.int ? 1 : f.max !== null && f.max <= 1 ? 0.01 : 0.1;
    control = (
      <input
        type="number"
        step={step}
        min={f.min ?? undefined}
        max={f.max ?? undefined}
        value={typeof cur === 'number' ? cur : ''}
        placeholder={f.optional ? 'default' : undefined}
        onChange={(e) => set(f.optional && e.target.value === '' ? undefined : clamp(f, num(e.target.value, typeof cur === 'number' ? cur : (f.min ?? 0))))}
        data-testid={f.testId}
      />
    );
  } else {
    control = <input type="text" value={String(cur ?? '')} onChange={(e) => set(e.target.value)} data-testid={f.testId} />;
  }
  return (
    <label className="field setting">
      <span className="setting-label">{f.label}</span>
      {control}
      <span className="setting-help">{f.help}</span>
    </label>
  );
}

function PresetPicker({ value, onChange }: Pick<FieldsProps, 'value' | 'onChange'>) {
  const current = presetOf(value);
  return (
    <div className="presets" role="radiogroup" aria-label="Preset" data-testid="presets">
      {PRESETS.map((p) => (
        <button
          key={p.id}
          type="button"
          role="radio"
          aria-checked={current === p.id}
          className={`preset${current === p.id ? ' on' : ''}`}
          onClick={() => onChange(applyPreset(value, p.id))}
          data-testid={`preset-${p.id}`}
        >
          <strong>{p.label}</strong>
          <span className="preset-rate">{analysisRate(p.values)} · {p.values.maxFacesPerTrack} faces per track</span>
          <span className="preset-blurb">{p.blurb}</span>
        </button>
      ))}
      {current === 'custom' && <span className="hint preset-custom" data-testid="preset-custom">Custom settings: {analysisRate(value)} · {value.maxFacesPerTrack} faces per track</span>}
    </div>
  );
}

export function SettingsFields(props: FieldsProps) {
  const { value, onChange } = props;
  return (
    <div className="settings-fields">
      <PresetPicker value={value} onChange={onChange} />
      <div className="setting-row">
        {MAIN_KEYS.filter((k) => k === 'analyzeFps' || k === 'stride').map((k) => <SettingControl key={k} k={k} value={value} onChange={onChange} />)}
      </div>
      {MAIN_KEYS.filter((k) => k === 'saveFrames' || k === 'saveCrops').map((k) => <SettingControl key={k} k={k} value={value} onChange={onChange} />)}
      <details className="advanced" open={props.advanced} onToggle={(e) => props.onAdvanced((e.target as HTMLDetailsElement).open)} data-testid="advanced">
        <summary>Advanced: every setting</summary>
        {ADVANCED_GROUPS.map((g) => (
          <fieldset key={g.title} className="setting-group">
            <legend>{g.title}</legend>
            <div className="setting-grid">
              {g.keys.map((k) => <SettingControl key={k} k={k} value={value} onChange={onChange} />)}
            </div>
          </fieldset>
        ))}
      </details>
    </div>
  );
}
