// Tracks the reviewer separated in this window (split off, moved out, removed): the two sides must
// never be offered back together as "clearly the same person". The embedder can find them very alike
// — that is why the reviewer separated them.
import type { ReviewCommand } from '../../../shared/commands';
import type { IdentitiesDoc } from '../../../shared/schema';

export type Separation = [string[], string[]];

/** The separation an edit makes (its tracks vs the rest of their identity), or null. */
export function separationOf(doc: IdentitiesDoc, command: ReviewCommand): Separation | null {
  const owner = (t: string) => doc.identities.find((i) => i.track_ids.includes(t));
  const apart = (tracks: string[]): Separation | null => {
    const from = tracks.length ? owner(tracks[0]) : undefined;
    const rest = from?.track_ids.filter((t) => !tracks.includes(t)) ?? [];
    return from && rest.length ? [tracks, rest] : null;
  };
  if (command.op === 'split') return apart(command.track_ids);
  if (command.op === 'moveTracks') return apart(command.track_ids);
  if (command.op === 'removeTrack') return apart([command.track_id]);
  return null;
}

/** Identities holding a track the reviewer separated from a track of `anchor`. */
export function separatedFrom(doc: IdentitiesDoc, anchorId: string, separations: readonly Separation[]): Set<string> {
  const anchor = new Set(doc.identities.find((i) => i.identity_id === anchorId)?.track_ids ?? []);
  const far = new Set<string>();
  for (const [a, b] of separations) {
    if (a.some((t) => anchor.has(t))) b.forEach((t) => far.add(t));
    if (b.some((t) => anchor.has(t))) a.forEach((t) => far.add(t));
  }
  return new Set(doc.identities.filter((i) => i.identity_id !== anchorId && i.track_ids.some((t) => far.has(t))).map((i) => i.identity_id));
}
