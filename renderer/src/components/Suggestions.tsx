import { useApp } from '../state/store';
import { dialog } from '../state/ui/dialogs';
import { Thumb } from './Thumb';

/**
 * Most similar other identities: one click opens the merge dialog with that one chosen. Names, locks
 * and existence come from the live document, so an identity merged away or relabeled since the
 * similarities were computed never shows stale.
 */
export function Suggestions() {
  const detail = useApp((s) => s.detail);
  const detailId = useApp((s) => s.detailId);
  const identities = useApp((s) => s.doc?.identities);
  const openDialog = useApp((s) => s.openDialog);
  if (!detail || !detailId) return null;
  const live = new Map(identities?.map((i) => [i.identity_id, i]));
  return (
    <>
      <h3 className="aside-title">Similar identities</h3>
      {detail.suggestions.length === 0 && <div className="hint">No suggestions (no track embeddings).</div>}
      {detail.suggestions.filter((s) => live.has(s.identity_id)).map((s) => ({ ...s, name: live.get(s.identity_id)!.labels.name ?? null, locked: live.get(s.identity_id)!.locked })).map((s) => (
        <div key={s.identity_id} className="suggestion" data-testid="suggestion">
          <Thumb refPath={s.canonical_face_path} alt={`Thumbnail of ${s.identity_id}`} />
          <div className="grow">
            <div>{s.name ?? <span className="hint">unlabeled</span>}{s.locked ? <span className="badge-inline locked">locked</span> : null}</div>
            <div className="hint">{s.identity_id} · {s.num_tracks} tracks · sim {s.similarity.toFixed(2)}</div>
          </div>
          <button
            className="btn small"
            onClick={() => openDialog(dialog('merge', { targetId: detailId, sourceIds: [s.identity_id] }))}
            aria-label={`Merge ${s.identity_id} into ${detailId}`}
          >
            Merge
          </button>
        </div>
      ))}
    </>
  );
}
