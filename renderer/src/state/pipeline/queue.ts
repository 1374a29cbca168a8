// The workspace's episode queue (when the workspace names one): job states polled by the Episodes
// screen, enqueueing videos by their path on the shared mount, and retrying a failed job. The episode
// list refreshes when a job completes.
import type { RequestOf, ResponseOf } from '../../../../shared/ipc';
import type { SliceContext } from '../appState';

export type QueueStatus = ResponseOf<'queue:status'>;

interface QueueState {
  queue: QueueStatus | null;
  /** Completed jobs at the last poll (-1 before the first). */
  queueCompleted: number;
}

interface QueueActions {
  loadQueue: () => Promise<void>;
  /** True when the videos were queued. */
  enqueue: (req: Omit<RequestOf<'queue:add'>, 'gpu' | 'force'>) => Promise<boolean>;
  retryQueued: (epId: string) => Promise<void>;
}

export type QueueSlice = QueueState & QueueActions;

const initialState: QueueState = { queue: null, queueCompleted: -1 };

const actions = ({ set, get, deps }: SliceContext): QueueActions => ({
  loadQueue: async () => {
    const s = await deps
      .api()
      .queueStatus({})
      .catch((err): QueueStatus => ({ configured: true, queue: null, error: deps.errorInfo(err).message, jobs: [] }));
    const n = s.jobs.filter((j) => j.state === 'completed').length;
    const before = get().queueCompleted;
    set({ queue: s, queueCompleted: n });
    if (before >= 0 && n !== before) void get().refreshEpisodes();
  },
  enqueue: async (req) => {
    try {
      const r = await deps.api().queueAdd({ ...req, gpu: false, force: false });
      get().toast('info', `Queued ${r.added.length}${r.skipped.length ? `; already queued or done: ${r.skipped.map((s) => s.ep_id).join(', ')}` : ''}`);
      await get().loadQueue();
      return true;
    } catch (err) {
      get().toast('error', `Could not queue: ${deps.errorInfo(err).message}`);
      return false;
    }
  },
  retryQueued: async (epId) => {
    try {
      await deps.api().queueRetry({ ep_id: epId });
      await get().loadQueue();
    } catch (err) {
      get().toast('error', `Could not retry ${epId}: ${deps.errorInfo(err).message}`);
    }
  },
});

export const queueSlice = { initialState, actions };
