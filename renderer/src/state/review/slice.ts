// Review slice: edits of the open episode's document and its undo/redo history. Each edit is applied
// optimistically (optimistic.ts), then sent; requests are serialised so each carries the revision the
// previous one returned. What follows an edit, and what a confirmation runs, is data (ui/dialogs.ts).
import { describeCommand, type ReviewCommand, type TrackEdit } from '../../../../shared/commands';
import type { ReviewState } from '../../../../shared/ipc';
import type { SliceContext } from '../appState';
import { separationOf, type Separation } from '../separations';
import { dialog, type ConfirmIntent, type FollowUp } from '../ui/dialogs';
import { docReducer, planEdit, type DocEvent } from './optimistic';
import { reviewSelectors } from './selectors';

interface ReviewStateSlice {
  history: ReviewState['history'] | null;
  /** Tracks the reviewer separated in this episode (never preselected back together). */
  separations: Separation[];
  /** Requests in flight; the e2e tests and bench wait for 0 ("settled"). */
  pending: number;
}

interface ReviewActions {
  /** Takes a document state the service sent (after an edit, an open or a reload). */
  acceptReviewState: (st: ReviewState) => void;
  /** After an edit: reload the open identity, or leave it when the edit made it disappear. */
  refreshAfterEdit: () => Promise<void>;
  /** `followUp` runs once the command is confirmed by the service, also when a confirmation dialog came first. */
  runCommand: (command: ReviewCommand, followUp?: FollowUp) => Promise<boolean>;
  /** Split a track at a face / reject a face (rewrites tracks and faces: the episode reloads after). */
  runTrackEdit: (edit: TrackEdit) => Promise<boolean>;
  /** What the confirmation dialog's Continue does. */
  confirmIntent: (intent: ConfirmIntent) => void;
  undo: () => Promise<void>;
  redo: () => Promise<void>;
}

export type ReviewSlice = ReviewStateSlice & ReviewActions;

const initialState: ReviewStateSlice = { history: null, separations: [], pending: 0 };

function helpers({ set, get, deps }: SliceContext) {
  const dispatch = (e: DocEvent) => {
    const { doc, revision, history, selectedIds } = get();
    set(docReducer({ doc, revision, history, selectedIds }, e));
  };
  const failed = async (err: unknown, what: string) => {
    const e = deps.errorInfo(err);
    if (e.code === 'conflict') {
      get().toast('warn', `The episode was changed elsewhere (revision ${e.revision ?? '?'}); reloaded the latest state. Please redo "${what}" if still needed.`);
      await get().reload();
    } else get().reportError(what, err);
  };
  const followUp = async (f: FollowUp) => {
    if (f.then) await get().runCommand(f.then);
    const s = get();
    if (f.open && (s.view !== 'identity' || s.detailId !== f.open)) void s.openIdentity(f.open);
  };
  return { dispatch, failed, followUp };
}

function editing(ctx: SliceContext): Pick<ReviewActions, 'acceptReviewState' | 'refreshAfterEdit' | 'runCommand' | 'confirmIntent'> {
  const { set, get, deps, tracked, serial } = ctx;
  const { dispatch, failed, followUp } = helpers(ctx);
  const send = async (command: ReviewCommand, epId: string, applied: DocEvent & { type: 'applied' }, before: NonNullable<ReturnType<typeof get>['doc']>) => {
    try {
      get().acceptReviewState(await deps.api().applyReview({ ep_id: epId, revision: get().revision, command }));
      const apart = separationOf(before, command);
      if (apart) set({ separations: [...get().separations, apart] });
      await get().refreshAfterEdit();
      return true;
    } catch (err) {
      dispatch({ type: 'rolledBack', applied: applied.doc, before });
      await failed(err, describeCommand(command));
      return false;
    }
  };
  return {
    acceptReviewState: (st) => {
      dispatch({ type: 'confirmed', state: st });
      for (const w of st.warnings ?? []) get().toast('warn', w);
    },
    refreshAfterEdit: async () => {
      const { detailId, view } = get();
      if (view !== 'identity' || !detailId) return;
      if (get().doc?.identities.some((i) => i.identity_id === detailId)) await get().loadDetail(detailId);
      else get().backToGrid();
    },
    runCommand: async (command, then) => {
      const { doc, epId, tracks } = get();
      if (!doc || !epId) return false;
      const plan = planEdit(doc, command, new Date().toISOString(), tracks, describeCommand(command));
      if (plan.kind === 'confirm') get().openDialog(dialog('confirm', { message: plan.message, intent: { type: 'command', command: plan.command, followUp: then } }));
      if (plan.kind === 'refuse') get().toast('error', plan.message);
      if (plan.kind !== 'apply') return false;
      const applied = { type: 'applied', doc: plan.doc } as const;
      dispatch(applied);
      get().followCommand(command);
      return tracked(async () => {
        const ok = await serial(() => send(command, epId, applied, doc));
        // Outside the queue: a follow-up may run commands of its own.
        if (ok && then) await followUp(then);
        return ok;
      });
    },
    confirmIntent: (intent) => void (intent.type === 'command' ? get().runCommand(intent.command, intent.followUp) : get().runTrackEdit(intent.edit)),
  };
}

function historyActions(ctx: SliceContext): Pick<ReviewActions, 'runTrackEdit' | 'undo' | 'redo'> {
  const { get, deps, tracked, serial } = ctx;
  const { failed } = helpers(ctx);
  const step = (which: 'undo' | 'redo'): Promise<void> => {
    // Only the episode on screen: on the Episodes list an undo would change what nobody can see.
    const epId = get().view === 'episodes' ? null : get().epId;
    if (!epId) return Promise.resolve();
    if (get().history && !reviewSelectors.canStep(get(), which)) {
      get().toast('info', `Nothing to ${which}`);
      return Promise.resolve();
    }
    const restores = reviewSelectors.stepRestoresFiles(get(), which);
    return tracked(() =>
      serial(async () => {
        try {
          const req = { ep_id: epId, revision: get().revision };
          get().acceptReviewState(which === 'undo' ? await deps.api().undo(req) : await deps.api().redo(req));
          await (restores ? get().reload() : get().refreshAfterEdit());
        } catch (err) {
          // The service names the files that changed since the cleanup: show that, not "changed elsewhere".
          if (!restores) return failed(err, which);
          get().toast('warn', deps.errorInfo(err).message);
          await get().reload();
        }
      }),
    );
  };
  return {
    runTrackEdit: (edit) => {
      const epId = get().epId;
      if (!epId) return Promise.resolve(false);
      const what = edit.op === 'splitTrack' ? `Split ${edit.track_id}` : `Reject ${edit.face_id}`;
      return tracked(() =>
        serial(async () => {
          try {
            get().acceptReviewState(await deps.api().editTrack({ ep_id: epId, revision: get().revision, edit }));
            await get().reload();
            return true;
          } catch (err) {
            const e = deps.errorInfo(err);
            if (e.code === 'locked' && !edit.force) {
              get().openDialog(dialog('confirm', { message: `${e.message}. Change it anyway?`, intent: { type: 'trackEdit', edit: { ...edit, force: true } } }));
            } else await failed(err, what);
            return false;
          }
        }),
      );
    },
    undo: () => step('undo'),
    redo: () => step('redo'),
  };
}

const actions = (ctx: SliceContext): ReviewActions => ({ ...editing(ctx), ...historyActions(ctx) });

export const reviewSlice = { initialState, actions };
