import { useApp } from './state/store';
import { useKeyboard } from './actions/keyboard';
import { TopBar } from './components/TopBar';
import { StatusBar } from './components/StatusBar';
import { Toasts } from './components/Toasts';
import { Dialogs } from './components/Dialogs';
import { EpisodesView } from './views/EpisodesView';
import { PeopleView } from './views/PeopleView';
import { IdentityView } from './views/IdentityView';
import { TimelineView } from './views/timeline/TimelineView';

export function App() {
  const view = useApp((s) => s.view);
  useKeyboard();
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
