// The show's cast library as faces: each person with the reference faces suggestions are computed
// from (one per confirmed track), and a button to remove a wrong one. A removed reference is
// remembered by the service, so the next sync of its episode does not bring it back.
import { useEffect, useState } from 'react';
import { Dialog } from '../../components/Dialog';
import { Thumb } from '../../components/Thumb';
import { useApp } from '../../state/store';
import type { CastReferencesData } from '../../state/cast/slice';
import './cast.css';

type Person = CastReferencesData['people'][number];

function PersonRefs({ person, onRemove }: { person: Person; onRemove: (ref: Person['references'][number]) => void }) {
  return (
    <section className="cast-person" data-testid="cast-person" data-person-id={person.person_id}>
      <h3>
        {person.name} <small className="hint">{person.references.length} reference{person.references.length === 1 ? '' : 's'}</small>
      </h3>
      {person.references.length === 0 && <div className="hint">No confirmed faces yet: lock a labeled identity to teach the library.</div>}
      <div className="cast-ref-grid">
        {person.references.map((r) => (
          <figure key={`${r.ep_id}/${r.track_id}`} className="cast-ref" data-testid="cast-reference" data-ep-id={r.ep_id} data-track-id={r.track_id}>
            <Thumb epId={r.ep_id} refPath={r.face_crop} alt={`${person.name} in ${r.ep_id} ${r.track_id}`} className="cast-ref-img" />
            <figcaption className="hint">
              {r.ep_id}
              <br />
              {r.track_id}
              {r.faces !== null ? ` · ${r.faces} face${r.faces === 1 ? '' : 's'}` : ''}
            </figcaption>
            <button
              type="button"
              className="btn small cast-ref-remove"
              onClick={() => onRemove(r)}
              aria-label={`Remove reference ${r.ep_id} ${r.track_id} of ${person.name}`}
              data-testid="cast-reference-remove"
            >
              Remove
            </button>
          </figure>
        ))}
      </div>
    </section>
  );
}

export function CastReferences(props: { show: string; personId: string | null; onClose: () => void }) {
  const data = useApp((s) => (s.castReferences?.show === props.show ? s.castReferences : null));
  const load = useApp((s) => s.loadCastReferences);
  const removeReference = useApp((s) => s.removeCastReference);
  const [only, setOnly] = useState(props.personId);
  useEffect(() => void load(props.show), [props.show, load]);

  const remove = async (personId: string, r: Person['references'][number]) => {
    // The focused Remove button goes with its face: keep the keyboard in the dialog (Esc still closes it).
    if (await removeReference(props.show, personId, r)) document.querySelector<HTMLElement>('[data-testid="cast-references"]')?.focus();
  };

  const people = data?.people.filter((p) => !only || p.person_id === only) ?? [];
  return (
    <Dialog title={`Cast library · ${props.show}`} onClose={props.onClose} testId="cast-references">
      <div className="hint">
        Suggestions compare new faces with these. Only locked identities add faces, and only those consistent with the identity.
        {only && (
          <>
            {' '}
            <button type="button" className="btn small" onClick={() => setOnly(null)} data-testid="cast-references-all">
              Show everyone
            </button>
          </>
        )}
      </div>
      {!data && <div className="hint">Loading…</div>}
      {data && people.length === 0 && <div className="hint">Nobody in this show's library yet.</div>}
      {people.map((p) => (
        <PersonRefs key={p.person_id} person={p} onRemove={(r) => void remove(p.person_id, r)} />
      ))}
      <div className="actions">
        <button className="btn" onClick={props.onClose}>Close</button>
      </div>
    </Dialog>
  );
}
