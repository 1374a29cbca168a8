import { useEffect } from 'react';
import { useApp } from '../state/store';
import { selectors } from '../state/selectors';
import type { Filters, SortKey } from '../state/ui/slice';
import { FACE_PX, FACE_SIZES } from '../state/ui/grid';
import { ActionButton } from '../actions/ActionButton';
import { plural } from '../format';

const FILTERS: [keyof Omit<Filters, 'search'>, string][] = [
  ['unlabeled', 'Unlabeled'],
  ['locked', 'Locked'],
  ['singletons', 'Singletons'],
];

/** The chosen face size as CSS variables on the page, for the track face strips (mount once: App). */
export function useFaceSizeVariables(): void {
  const size = useApp((s) => s.faceSize);
  useEffect(() => {
    document.documentElement.style.setProperty('--crop-px', `${FACE_PX[size].crop}px`);
    document.documentElement.dataset.faceSize = size;
  }, [size]);
}

/** S / M / L: how large faces are drawn (also - and + / =). */
function FaceSizeControl() {
  const size = useApp((s) => s.faceSize);
  const setSize = useApp((s) => s.setFaceSize);
  return (
    <div className="segmented" role="group" aria-label="Face size" data-testid="face-size">
      {FACE_SIZES.map((k) => (
        <button
          key={k}
          type="button"
          className="btn chip"
          aria-pressed={size === k}
          title={`${k === 'S' ? 'Small' : k === 'M' ? 'Medium' : 'Large'} faces, ${FACE_PX[k].card} px (- and + change the size)`}
          onClick={() => setSize(k)}
          data-testid={`face-size-${k}`}
        >
          {k}
        </button>
      ))}
    </div>
  );
}

export function GridToolbar({ count }: { count: number }) {
  const filters = useApp((s) => s.filters);
  const sort = useApp((s) => s.sort);
  const setFilter = useApp((s) => s.setFilter);
  const setSort = useApp((s) => s.setSort);
  const selected = useApp((s) => s.selectedIds.length);
  const total = useApp((s) => s.doc?.identities.length ?? 0);
  const loadSimilarity = useApp((s) => s.loadSimilarity);

  const chooseSort = (next: SortKey) => {
    setSort(next);
    if (next === 'similarity') {
      const s = useApp.getState();
      const ref = s.selectedIds[0] ?? selectors.focusedCard(s)?.id;
      if (ref) void loadSimilarity(ref).then(() => useApp.getState().setFocus(0));
    }
  };

  return (
    <div className="toolbar" role="toolbar" aria-label="Filter and sort identities">
      <input
        type="search"
        placeholder="Search by name (/)"
        value={filters.search}
        onChange={(e) => setFilter('search', e.target.value)}
        onKeyDown={(e) => e.key === 'Escape' && (e.currentTarget as HTMLInputElement).blur()}
        aria-label="Search by name"
        data-testid="search"
      />
      {FILTERS.map(([key, label]) => (
        <button key={key} className="btn chip" aria-pressed={filters[key]} onClick={() => setFilter(key, !filters[key])} data-testid={`filter-${key}`}>
          {label}
        </button>
      ))}
      <label className="row hint">
        Sort
        <select value={sort} onChange={(e) => chooseSort(e.target.value as SortKey)} aria-label="Sort identities" data-testid="sort">
          <option value="size">Size</option>
          <option value="unlabeled">Unlabeled first</option>
          <option value="similarity">Similarity to selection</option>
        </select>
      </label>
      <FaceSizeControl />
      {selected > 0 && (
        <>
          <span className="hint">{selected} selected</span>
          <ActionButton id="identity.merge" testId="merge-selected" />
          <ActionButton id="identity.lock" />
          <ActionButton id="identity.label" />
          <ActionButton id="grid.clear" keyInText={false} />
        </>
      )}
      <span className="count" data-testid="grid-count">{count.toLocaleString('en-US')} of {plural(total, 'identity', 'identities')}</span>
    </div>
  );
}
