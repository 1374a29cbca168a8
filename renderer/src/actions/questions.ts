// The questions view's keys (the Google / Apple Photos pattern): y yes, n no, s or → skip, ← back one,
// z takes back the last answer, Esc leaves; and q on the grid opens the questions.
import type { AppState } from '../state/appState';
import { questionSelectors } from '../state/questions/selectors';
import type { Action } from './types';

const asking = (s: AppState) => s.view === 'questions' && questionSelectors.current(s) !== null;
const several = (s: AppState) => s.view === 'questions' && questionSelectors.questions(s).length > 1;

export const questionActions: Action[] = [
  {
    id: 'questions.open',
    label: 'Answer the "Same person?" and "Is this …?" questions',
    button: 'Questions',
    keys: ['q'],
    scope: 'grid',
    enabled: (s) => s.view === 'people' && !!s.doc,
    perform: ({ get }) => get().openQuestions(),
  },
  { id: 'questions.yes', label: 'Yes: merge the two / accept the name', button: 'Yes', keys: ['y'], scope: 'questions', enabled: asking, perform: ({ get }) => get().answerQuestion(true) },
  {
    id: 'questions.no',
    label: 'No: different people (never asked again) / reject the name',
    button: 'No',
    keys: ['n'],
    scope: 'questions',
    enabled: asking,
    perform: ({ get }) => get().answerQuestion(false),
  },
  { id: 'questions.skip', label: 'Skip to the next question', button: 'Skip', keys: ['s', 'ArrowRight'], scope: 'questions', enabled: several, perform: ({ get }) => get().moveQuestion(1) },
  { id: 'questions.previous', label: 'Previous question', keys: ['ArrowLeft'], scope: 'questions', enabled: several, perform: ({ get }) => get().moveQuestion(-1) },
  {
    id: 'questions.undo',
    label: 'Take back the last answer',
    button: '↶ Undo',
    // z here also shows the question again; it is the same undo as everywhere else.
    keys: ['z', 'Mod+z'],
    scope: 'questions',
    enabled: (s) => s.view === 'questions',
    perform: ({ get }) => get().undoAnswer(),
  },
  { id: 'questions.leave', label: 'Back to all identities', button: '← All', keys: ['Escape'], scope: 'questions', enabled: always, perform: ({ get }) => get().backToGrid() },
];

function always(): boolean {
  return true;
}
