import { useEffect } from 'react';
import { useApp } from './state/store';
import { useKeyboard } from './actions/keyboard';
import { TopBar } from './components/TopBar';
import { StatusBar } from './components/StatusBar';
import { useFaceSizeVariables } from './components/GridToolbar';
import { Toasts } from './components/Toasts';
import { Dialogs } from './components/Dialogs';
import { EpisodesView } from './views/EpisodesView';
import { PeopleView } from './views/PeopleView';
import { IdentityView } from './views/IdentityView';
import { QuestionsView } from './views/QuestionsView';
import { TimelineView } from './views/timeline/TimelineView';
import { bindRoute, type RouteLocation } from './state/ui/route';

/** The browser's address bar: `#/ep/<id>/…` routes, one history entry per view. */
const browserLocation: RouteLocation = {
  hash: () => window.location.hash,
  push: (hash) => window.history.pushState(null, '', hash),
  replace: (hash) => window.history.replaceState(null, '', hash),
  listen: (cb) => {
    window.addEventListener('popstate', cb);
    window.addEventListener('hashchange', cb);
    return () => {
      window.removeEventListener('popstate', cb);
      window.removeEventListener('hashchange', cb);
    };
  },
};

/** Once the service answered (the workspace is known), the view follows the URL and the URL the view. */
function useRoutes(): void {
  const ready = useApp((s) => s.workspaceRoot !== null);
  useEffect(() => {
    if (!ready) return;
    return bindRoute(useApp, browserLocation, (r) => useApp.getState().navigate(r), () => useApp.getState().clearErrors());
  }, [ready]);
}

export function App() {
  const view = useApp((s) => s.view);
  useKeyboard();
  useRoutes();
  useFaceSizeVariables();
  return (
    <div className="app">
      <TopBar />
      <main className="main">
        {view === 'episodes' && <EpisodesView />}
        {view === 'people' && <PeopleView />}
        {view === 'identity' && <IdentityView />}
        {view === 'timeline' && <TimelineView />}
        {view === 'questions' && <QuestionsView />}
      </main>
      <StatusBar />
      <Dialogs />
      <Toasts />
    </div>
  );
}
