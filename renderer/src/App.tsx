import { useApp } from './state/store';
import { useShortcuts } from './useShortcuts';
import { TopBar } from './components/TopBar';
import { StatusBar } from './components/StatusBar';
import { Toasts } from './components/Toasts';
import { useWorkspaceWatch } from './components/WorkspacePicker';
import { Dialogs } from './components/Dialogs';
import { EpisodesView } from './views/EpisodesView';
import { PeopleView } from './views/PeopleView';
import { IdentityView } from './views/IdentityView';
import { TimelineView } from './views/timeline/TimelineView';

export function App() {
  const view = useApp((s) => s.view);
  useShortcuts();
  useWorkspaceWatch();
  return (
    <div className="app">
      <TopBar />
      <main className="main">
        {view === 'episodes' && <EpisodesView />}
        {view === 'people' && <PeopleView />}
        {view === 'identity' && <IdentityView />}
        {view === 'timeline' && <TimelineView />}
      </main>
      <StatusBar />
      <Dialogs />
      <Toasts />
    </div>
  );
}
