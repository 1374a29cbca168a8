// The review app's one store, composed of per-domain slices. Each slice is `{initialState, actions}`
// in its own folder with its selectors beside it. The host is injected (StoreDeps), not imported: the
// store binds it to api/client.ts (store.ts), tests bind a fake, and this module graph stays free of
// the DOM so Node tests and the e2e files can import the action registry that reads it.
import type { StateCreator, StoreApi } from 'zustand';
import type { ClientApi } from '../../../shared/ipc';
import { castSlice, type CastSlice } from './cast/slice';
import { episodeSlice, type EpisodeSlice } from './episode/slice';
import { screentimeSlice, type ScreentimeSlice } from './episode/screentime';
import { timelineSlice, type TimelineSlice } from './episode/timeline';
import { framesSlice, type FramesSlice } from './episode/frames';
import { workspaceSlice, type WorkspaceSlice } from './episode/workspace';
import { cleanupSlice, type CleanupSlice } from './pipeline/cleanup';
import { modelsSlice, type ModelsSlice } from './pipeline/models';
import { queueSlice, type QueueSlice } from './pipeline/queue';
import { pipelineSlice, type PipelineSlice } from './pipeline/slice';
import { questionsSlice, type QuestionsSlice } from './questions/slice';
import { makeRequests, type Requests } from './requests';
import { reviewSlice, type ReviewSlice } from './review/slice';
import { selectionSlice, type SelectionSlice } from './selection/slice';
import { uiSlice, type UiSlice } from './ui/slice';
import { gridPrefsSlice, type GridPrefsSlice } from './ui/grid';

export type AppState = EpisodeSlice &
  WorkspaceSlice &
  ScreentimeSlice &
  ReviewSlice &
  SelectionSlice &
  UiSlice &
  CastSlice &
  PipelineSlice &
  CleanupSlice &
  ModelsSlice &
  QueueSlice &
  QuestionsSlice &
  TimelineSlice &
  FramesSlice &
  GridPrefsSlice;


export interface ErrorInfo {
  code: string;
  message: string;
  revision?: number;
  /** What a refusal is about (a field of the request, 'has_edits', …). */
  reason?: string;
}

export interface StoreDeps {
  api: () => ClientApi;
  errorInfo: (err: unknown) => ErrorInfo;
}

/** What every slice's actions are built from. */
export interface SliceContext extends Requests {
  set: StoreApi<AppState>['setState'];
  get: () => AppState;
  deps: StoreDeps;
}

export function createAppState(deps: StoreDeps): StateCreator<AppState> {
  return (set, get) => {
    const ctx: SliceContext = { set, get, deps, ...makeRequests(set, get) };
    const part = <S, A>(slice: { initialState: S; actions: (c: SliceContext) => A }): S & A => ({ ...slice.initialState, ...slice.actions(ctx) });
    return {
      ...part(episodeSlice),
      ...part(workspaceSlice),
      ...part(screentimeSlice),
      ...part(reviewSlice),
      ...part(selectionSlice),
      ...part(uiSlice),
      ...part(castSlice),
      ...part(pipelineSlice),
      ...part(cleanupSlice),
      ...part(modelsSlice),
      ...part(queueSlice),
      ...part(questionsSlice),
      ...part(timelineSlice),
      ...part(framesSlice),
      ...part(gridPrefsSlice),
    };
  };
}
