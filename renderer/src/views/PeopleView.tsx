import { useApp } from '../state/store';
import { selectors } from '../state/selectors';
import { IdentityGrid } from '../components/IdentityGrid';
import { GridToolbar } from '../components/GridToolbar';
import { QuestionsBadge } from './QuestionsView';

export function PeopleView() {
  const cards = useApp(selectors.visibleCards);
  const loading = useApp((s) => s.loading);
  if (loading) return <div className="empty">Loading episode…</div>;
  return (
    <section className="people" aria-label="People">
      <QuestionsBadge />
      <GridToolbar count={cards.length} />
      <IdentityGrid cards={cards} />
    </section>
  );
}
