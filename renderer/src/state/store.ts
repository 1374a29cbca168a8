// The app's store instance, bound to the host through the API client.
import { create } from 'zustand';
import { errorInfo, getApi } from '../api/client';
import { createAppState, type AppState } from './appState';

export type { AppState } from './appState';

export const useApp = create<AppState>()(createAppState({ api: getApi, errorInfo }));
