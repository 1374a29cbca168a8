// One question at a time, faces large, answered with one key: "Same person?" shows two identities
// side by side (y merges them, n records that they are different people), "Is this <name>?" shows an
// identity beside the faces the cast library knows that person by (y names it, n rejects the name).
import { useEffect } from 'react';
import { parseEpId } from '../../../shared/episode';
import { ActionButton } from '../actions/ActionButton';
import { Thumb } from '../components/Thumb';
import { useCastSuggestions } from './cast/CastSuggestions';
import { questionSelectors, identityFaces, QUESTION_FACES, type Question } from '../state/questions/selectors';
import { selectors } from '../state/selectors';
import { useApp } from '../state/store';
import './questions.css';

interface Face {
  epId?: string;
  ref: string;
}

/**
 * The open episode's questions (the cast suggestions load with them). `live`: asked again at each
 * revision (the questions view); otherwise once per episode, after the page is idle, so ranking every
 * pair of a large episode never holds up the grid's first images or an edit.
 */
export function useQuestions(live: boolean) {
  const epId = useApp((s) => s.epId);
  const revision = useApp((s) => (live ? s.revision : null));
  const load = useApp((s) => s.loadSamePerson);
  useCastSuggestions(null);
  useEffect(() => {
    if (!epId) return;
    if (revision !== null) return void load(epId, revision);
    const idle = window.requestIdleCallback(() => void load(epId, null));
    return () => window.cancelIdleCallback(idle);
  }, [epId, revision, load]);
  return useApp(questionSelectors.questions);
}

/** One side of a question: a caption and its faces, large. */
function Side(props: { title: string; detail: string; faces: Face[]; testId: string; label: string }) {
  return (
    <figure className="question-side" data-testid={props.testId}>
      <div className="question-faces">
        {props.faces.map((f, i) => (
          <Thumb key={`${f.epId ?? ''}/${f.ref}`} epId={f.epId} refPath={f.ref} alt={`${props.label}, face ${i + 1}`} className="question-face" />
        ))}
        {props.faces.length === 0 && <div className="hint">No faces saved</div>}
      </div>
      <figcaption>
        <div className="question-name">{props.title}</div>
        <div className="hint">{props.detail}</div>
      </figcaption>
    </figure>
  );
}

function useIdentitySide(id: string, faces?: string[]) {
  const ident = useApp((s) => selectors.identity(s, id));
  const tracks = useApp((s) => s.tracks);
  if (!ident) return null;
  const n = ident.track_ids.length;
  return {
    title: ident.labels.name ?? 'Unlabeled',
    detail: `${id} · ${n} track${n === 1 ? '' : 's'}${ident.locked ? ' · locked' : ''}`,
    faces: (faces ?? identityFaces(ident, tracks)).map((ref) => ({ ref })),
    label: ident.labels.name ?? id,
  };
}

function SamePerson({ q }: { q: Extract<Question, { kind: 'same' }> }) {
  const a = useIdentitySide(q.pair.a, q.pair.a_faces);
  const b = useIdentitySide(q.pair.b, q.pair.b_faces);
  if (!a || !b) return null;
  return (
    <Ask questionKey={q.key} title="Same person?" note={`Similarity ${q.pair.similarity.toFixed(2)}. Yes merges them; no keeps them apart for good.`}>
      <Side {...a} testId="question-a" />
      <Side {...b} testId="question-b" />
    </Ask>
  );
}

function IsThis({ q }: { q: Extract<Question, { kind: 'cast' }> }) {
  const side = useIdentitySide(q.identityId);
  const refs = useApp((s) => s.castReferences?.people.find((p) => p.person_id === q.suggestion.person_id)?.references);
  if (!side) return null;
  const known: Face[] = q.suggestion.reference_faces.map((f) => ({ epId: f.ep_id, ref: f.crop }));
  for (const r of refs ?? []) if (r.face_crop && !known.some((k) => k.epId === r.ep_id && k.ref === r.face_crop)) known.push({ epId: r.ep_id, ref: r.face_crop });
  const name = q.suggestion.name;
  return (
    <Ask questionKey={q.key} title={`Is this ${name}?`} note={`Score ${q.suggestion.score.toFixed(2)} against ${q.suggestion.references} reference face${q.suggestion.references === 1 ? '' : 's'} from other episodes.`}>
      <Side {...side} testId="question-a" />
      <Side title={name} detail="In the cast library (other episodes)" faces={known.slice(0, QUESTION_FACES)} label={name} testId="question-b" />
    </Ask>
  );
}

/** The question component both kinds share: the title, the two sides, and the answers. */
function Ask(props: { questionKey: string; title: string; note: string; children: React.ReactNode }) {
  const at = useApp(questionSelectors.position);
  const of = useApp(questionSelectors.count);
  return (
    <div className="question" data-testid="question" data-question-key={props.questionKey}>
      <header className="question-head">
        <h2 data-testid="question-title">{props.title}</h2>
        <span className="question-count" data-testid="question-count">{at} of {of}</span>
      </header>
      <div className="question-pair">{props.children}</div>
      <div className="question-answers">
        <ActionButton id="questions.yes" className="btn primary big" testId="answer-yes" />
        <ActionButton id="questions.no" className="btn big" testId="answer-no" />
        <ActionButton id="questions.skip" className="btn big" testId="answer-skip" />
      </div>
      <div className="hint question-note">{props.note}</div>
    </div>
  );
}

/** The show's reference faces (cast:references), once per visit: "Is this …?" shows more of them. */
function useCastReferences(): void {
  const epId = useApp((s) => s.epId);
  const load = useApp((s) => s.loadCastReferences);
  const show = epId ? parseEpId(epId).show : null;
  useEffect(() => {
    if (show) void load(show);
  }, [show, load]);
}

export function QuestionsView() {
  const questions = useQuestions(true);
  useCastReferences();
  const current = useApp(questionSelectors.current);
  const loaded = useApp((s) => s.samePerson !== null && s.samePerson.ep_id === s.epId);
  return (
    <section className="questions" aria-label="Questions" data-testid="questions-view">
      <div className="toolbar">
        <ActionButton id="questions.leave" testId="questions-leave" />
        <span className="spacer" />
        <ActionButton id="questions.undo" testId="questions-undo" />
        <span className="hint">y yes · n no · s skip · z undo · Esc back</span>
      </div>
      {current?.kind === 'same' && <SamePerson key={current.key} q={current} />}
      {current?.kind === 'cast' && <IsThis key={current.key} q={current} />}
      {!current && (
        <div className="empty" data-testid="questions-empty">
          {loaded || questions.length ? 'No questions left: every likely pair and cast suggestion has an answer.' : 'Looking for questions…'}
        </div>
      )}
    </section>
  );
}

/** On the grid: how many questions are waiting, and the way to them (q). */
export function QuestionsBadge() {
  const n = useQuestions(false).length;
  if (!n) return null;
  return <ActionButton id="questions.open" text={`${n} question${n === 1 ? '' : 's'}`} className="btn small questions-badge" testId="questions-badge" />;
}
