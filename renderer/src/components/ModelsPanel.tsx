import { useEffect, useState } from 'react';
import { formatBytes } from '../../../shared/ipc';
import { formatEta } from '../format';
import type { ModelsList } from '../state/pipeline/models';
import { useApp, type AppState } from '../state/store';

type Pack = ModelsList['packs'][number];
type ModelsProgress = AppState['modelsProgress'][string];

/** The installable packs and the packs a run can use, read when a dialog showing them opens. */
export function useModels(): { list: ModelsList | null; error: string | null } {
  const load = useApp((s) => s.loadModels);
  useEffect(() => void load(), [load]);
  return { list: useApp((s) => s.models), error: useApp((s) => s.modelsError) };
}

/** Settings → Models: licence and size before download, then progress, cancel, and "use by default". */
export function ModelsPanel(props: {
  models: ReturnType<typeof useModels>;
  currentPack: string;
  onUseByDefault: (id: string) => void;
  /** The service falls back to `defaultPack` when the removed pack was the default. */
  onRemoved: (id: string, defaultPack: string) => void;
}) {
  const { list, error } = props.models;
  const progress = useApp((s) => s.modelsProgress);
  const clearProgress = useApp((s) => s.clearModelsProgress);
  useEffect(() => clearProgress(), [clearProgress]);
  if (error) return <div className="hint error-text">Models: {error}</div>;
  if (!list) return <div className="hint">Loading model packs…</div>;
  return (
    <section className="models-panel" data-testid="models-panel" aria-label="Model packs">
      <h3>Models</h3>
      <div className="hint">
        Stronger packs are downloaded once into <code>{list.models_dir}</code>, checked against their pinned sha256 before use.
        {list.mirror && <> Mirror: <code>{list.mirror}</code>.</>}
      </div>
      {list.packs.map((p) => (
        <PackRow key={p.id} pack={p} progress={progress[p.id]} running={list.installing.includes(p.id)} isDefault={props.currentPack === p.id} onUseByDefault={props.onUseByDefault} onRemoved={props.onRemoved} />
      ))}
    </section>
  );
}

type PackRowProps = {
  pack: Pack;
  progress?: ModelsProgress;
  running: boolean;
  isDefault: boolean;
  onUseByDefault: (id: string) => void;
  onRemoved: (id: string, defaultPack: string) => void;
};

/** Install, cancel, remove, use by default; a failed request's message shows under the row. */
function PackButtons(props: PackRowProps & { active: boolean; setFailure: (f: string | null) => void }) {
  const { pack: p, setFailure } = props;
  const installModel = useApp((s) => s.installModel);
  const cancelModelInstall = useApp((s) => s.cancelModelInstall);
  const removeModel = useApp((s) => s.removeModel);
  const act = (fn: () => Promise<string | null>) => async () => {
    setFailure(null);
    setFailure(await fn());
  };
  const remove = async () => {
    const r = await removeModel(p.id);
    if (r.defaultPack !== undefined) props.onRemoved(p.id, r.defaultPack);
    return r.error;
  };
  if (p.installed) {
    return (
      <>
        <span className="badge-inline ok" data-testid="pack-installed">installed</span>
        {props.isDefault ? <span className="hint">used by default</span> : <button className="btn small" data-testid="use-by-default" onClick={() => props.onUseByDefault(p.id)}>Use by default</button>}
        <button className="btn small danger" data-testid="remove-pack" onClick={act(remove)}>Remove</button>
      </>
    );
  }
  return props.active ? (
    <button className="btn small danger" data-testid="cancel-install" onClick={act(() => cancelModelInstall(p.id))}>Cancel</button>
  ) : (
    <button className="btn small primary" data-testid="install-pack" onClick={act(() => installModel(p.id))}>
      Download {formatBytes(p.download_bytes)} and install
    </button>
  );
}

function PackRow(props: PackRowProps) {
  const { pack: p, progress: pr } = props;
  const [failure, setFailure] = useState<string | null>(null);
  const active = props.running || pr?.state === 'running';
  const failed = pr && (pr.state === 'failed' || pr.state === 'cancelled') && !active ? pr : null;
  return (
    <div className="model-pack" data-testid="model-pack" data-pack-id={p.id} data-installed={p.installed}>
      <div className="row">
        <strong>{p.name}</strong>
        <span className="hint" data-testid="pack-size">{formatBytes(p.download_bytes)}</span>
        <span className={`badge-inline ${p.commercial_use ? 'ok' : 'warn'}`} data-testid="pack-licence">
          {p.commercial_use ? 'commercial use OK' : 'non-commercial only'}
        </span>
      </div>
      <div className="hint">{p.summary}</div>
      <details>
        <summary>Licence: {p.licence}</summary>
        <pre className="licence-text" data-testid="licence-text">{p.licence_text}</pre>
        <div className="hint">{p.licence_notes}</div>
      </details>
      {active && pr && <InstallProgress p={pr} />}
      {failed && <div className="error-text" role="alert" data-testid="install-error">{failed.state === 'cancelled' ? 'Cancelled; nothing was installed.' : failed.message}</div>}
      {failure && <div className="error-text" role="alert">{failure}</div>}
      <div className="row">
        <PackButtons {...props} active={active} setFailure={setFailure} />
      </div>
    </div>
  );
}

function InstallProgress({ p }: { p: ModelsProgress }) {
  const pct = p.total ? Math.min(100, (100 * p.done) / p.total) : 0;
  return (
    <div data-testid="install-progress">
      <div className="hint">
        {p.stage} {p.file} · {formatBytes(p.done)} / {formatBytes(p.total)}
        {p.rate ? ` · ${formatBytes(p.rate)}/s · ETA ${formatEta(p.eta)}` : ''}
      </div>
      <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(pct)}>
        <div style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}

/** The pack a run uses: every pack whose files are present here (others are listed, disabled). */
export function PackSelect(props: { value: string; onChange: (id: string) => void; models: ModelsList | null }) {
  const packs = props.models?.selectable ?? [{ id: props.value, name: props.value, available: true }];
  return (
    <label className="field">
      Model pack
      <select value={props.value} onChange={(e) => props.onChange(e.target.value)} data-testid="pack-select">
        {packs.map((p) => (
          <option key={p.id} value={p.id} disabled={!p.available && p.id !== props.value}>
            {p.name}{p.available ? '' : ' (not installed)'}
          </option>
        ))}
      </select>
    </label>
  );
}
