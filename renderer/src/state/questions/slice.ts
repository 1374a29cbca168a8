// Questions slice: the "Same person?" pairs of the open episode (fetched per revision, like the cast
// suggestions), which question is on screen, and the answers. y / n on a pair are review commands
// (a merge, a notSamePerson cannot-link): journalled, undoable; y / n on "Is this <name>?" accept
// (a label) or reject (cast:reject) the cast library's suggestion.
import type { ReviewCommand } from '../../../../shared/commands';
import type { ResponseOf } from '../../../../shared/ipc';
import type { SliceContext } from '../appState';
import { episodeSelectors } from '../episode/selectors';
import { mergeTarget, questionSelectors, type Question } from './selectors';

export type SamePersonData = ResponseOf<'review:same-person'>;

interface QuestionsState {
  samePerson: SamePersonData | null;
  /** `${epId}@${revision}` the pairs were asked for. */
  samePersonKey: string | null;
  /** Index of the question on screen in questionSelectors.questions. */
  questionIndex: number;
  /** Answers sent at a revision: hidden until a list fetched after them comes. */
  answered: { key: string; revision: number }[];
  /** The last answer given here: what `z` takes back. */
  lastAnswer: { question: Question; yes: boolean } | null;
  /** The question an undo brings back, shown when it reappears: its key, or — when this page did not
   *  see the answer (a reload since) — the keys listed before the undo, so the first new one is it. */
  reask: string | { notIn: string[] } | null;
}

interface QuestionsActions {
  /** The pairs at `revision`, or (null) at any revision already fetched: the grid's count tolerates a stale list. */
  loadSamePerson: (epId: string, revision: number | null) => Promise<void>;
  /** The questions view, from its first question. */
  openQuestions: () => void;
  /** The next (1) or previous (-1) question, wrapping around. */
  moveQuestion: (delta: number) => void;
  answerQuestion: (yes: boolean) => Promise<void>;
  /** Takes back the last answer (an undo of its edit, or of a cast rejection) and asks that question again. */
  undoAnswer: () => Promise<void>;
}

export type QuestionsSlice = QuestionsState & QuestionsActions;

const initialState: QuestionsState = { samePerson: null, samePersonKey: null, questionIndex: 0, answered: [], lastAnswer: null, reask: null };

async function answer({ get, set, tracked }: SliceContext, q: Question, yes: boolean): Promise<void> {
  const s = get();
  set({ answered: [...s.answered, { key: q.key, revision: s.revision }], lastAnswer: { question: q, yes }, reask: null });
  if (q.kind === 'cast') {
    if (yes) return s.acceptCast(q.identityId, q.suggestion.person_id, q.suggestion.name);
    // Counted as pending like an edit, so "settled" means the library has the rejection.
    return tracked(() => s.rejectCast(q.identityId, q.suggestion.person_id));
  }
  const [a, b] = [episodeSelectors.identity(s, q.pair.a), episodeSelectors.identity(s, q.pair.b)];
  if (!a || !b) return;
  const { target, source } = mergeTarget(a, b);
  const command: ReviewCommand = yes ? { op: 'merge', target_id: target, source_ids: [source] } : { op: 'notSamePerson', identity_ids: [a.identity_id, b.identity_id] };
  // Not applied (refused, failed, or a merge that asks to confirm first: tracks on screen together, a
  // locked side): the question stays on screen; a confirmed merge answers it later.
  if (!(await s.runCommand(command))) set({ answered: get().answered.filter((x) => x.key !== q.key) });
}

async function unreject({ get, set, deps, tracked }: SliceContext, q: Extract<Question, { kind: 'cast' }>): Promise<void> {
  const epId = get().epId;
  if (!epId) return;
  await tracked(async () => {
    try {
      set({ castSuggestions: await deps.api().unrejectCastSuggestion({ ep_id: epId, identity_id: q.identityId, person_id: q.suggestion.person_id }) });
      const at = questionSelectors.questions(get()).findIndex((x) => x.key === q.key);
      if (at >= 0) set({ questionIndex: at, reask: null });
    } catch (err) {
      get().reportError(`Taking back "not ${q.suggestion.name}"`, err);
    }
  });
}

const actions = (ctx: SliceContext): QuestionsActions => {
  const { set, get, deps } = ctx;
  return {
    loadSamePerson: async (epId, at) => {
      if (at === null && get().samePersonKey?.startsWith(`${epId}@`)) return;
      const key = `${epId}@${at ?? get().revision}`;
      if (get().samePersonKey === key) return;
      set({ samePersonKey: key });
      try {
        const data = await deps.api().getSamePersonQuestions({ ep_id: epId });
        if (get().samePersonKey !== key) return;
        set({ samePerson: data, answered: get().answered.filter((a) => a.revision >= data.revision) });
        const reask = get().reask;
        const at = reask === null ? -1 : questionSelectors.questions(get()).findIndex((q) => (typeof reask === 'string' ? q.key === reask : !reask.notIn.includes(q.key)));
        if (at >= 0) set({ questionIndex: at, reask: null });
        // Keys seen before the undo only mean something to the first list after it.
        else if (reask !== null && typeof reask !== 'string') set({ reask: null });
      } catch (err) {
        if (get().samePersonKey === key) set({ samePerson: null });
        get().reportError('Loading the "Same person?" questions', err);
      }
    },
    openQuestions: () => {
      set({ questionIndex: 0, reask: null });
      get().openDetail(null);
      get().setView('questions');
    },
    moveQuestion: (delta) => {
      const n = questionSelectors.questions(get()).length;
      if (n) set({ questionIndex: (((Math.min(get().questionIndex, n - 1) + delta) % n) + n) % n });
    },
    answerQuestion: async (yes) => {
      const q = questionSelectors.current(get());
      if (q) await answer(ctx, q, yes);
    },
    undoAnswer: async () => {
      const last = get().lastAnswer;
      const key = last?.question.key ?? null;
      const reask = key ?? { notIn: questionSelectors.questions(get()).map((q) => q.key) };
      set({ reask, lastAnswer: null, answered: get().answered.filter((a) => a.key !== key) });
      // A rejected name is a fact of the cast library, not an edit of the episode: taken back there.
      if (last?.question.kind === 'cast' && !last.yes) return unreject(ctx, last.question);
      await get().undo();
    },
  };
};

export const questionsSlice = { initialState, actions };
