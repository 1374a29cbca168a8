import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { useApp } from './state/store';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
void useApp.getState().init();
// Exposed read-only for e2e tests and the UI bench, which wait on `pending === 0` instead of sleeping.
(window as unknown as { __review: unknown }).__review = {
  state: () => {
    const s = useApp.getState();
    return { pending: s.pending, revision: s.revision, epId: s.epId, view: s.view, loading: s.loading };
  },
};
