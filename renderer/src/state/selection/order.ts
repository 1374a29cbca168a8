// The grid keeps its order under the reviewer's cursor: after an edit (a label, a merge that makes one
// identity larger, an undo) the cards stay where they were instead of jumping to their new sorted
// place. The order is computed afresh when the reviewer changes the sort or a filter, opens another
// episode, or reloads the page.

/** `next` (freshly filtered and sorted) in `prev`'s order; cards `prev` did not show go to their sorted place. */
export function keepOrder<T extends { id: string }>(prev: readonly T[], next: readonly T[]): T[] {
  const at = new Map(prev.map((c, i) => [c.id, i]));
  const out = next.filter((c) => at.has(c.id)).sort((a, b) => at.get(a.id)! - at.get(b.id)!);
  if (out.length === next.length) return out;
  next.forEach((c, i) => {
    if (!at.has(c.id)) out.splice(Math.min(i, out.length), 0, c);
  });
  return out;
}
