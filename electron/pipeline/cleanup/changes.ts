// The cleanup preview's per-identity list: for every identity of the current document, what the
// cleaned document does to it. Tracks split by the cleanup are compared by their halves.
import type { IdentitiesDoc } from '../../../shared/schema';
import type { IdentityChange } from '../../../shared/ipc';

export type { IdentityChange };

export function identityChanges(before: IdentitiesDoc, after: IdentitiesDoc, into: ReadonlyMap<string, readonly string[]>): IdentityChange[] {
  const ownerAfter = new Map<string, string>();
  for (const i of after.identities) for (const t of i.track_ids) ownerAfter.set(t, i.identity_id);
  const byId = new Map(after.identities.map((i) => [i.identity_id, i]));
  const out: IdentityChange[] = [];
  for (const old of before.identities) {
    const mine = old.track_ids.flatMap((t) => into.get(t) ?? [t]);
    const votes = new Map<string, number>();
    for (const t of mine) {
      const o = ownerAfter.get(t);
      if (o) votes.set(o, (votes.get(o) ?? 0) + 1);
    }
    // Most tracks; ties → the same id, then the lower id.
    const becomes = [...votes].sort((a, b) => b[1] - a[1] || Number(b[0] === old.identity_id) - Number(a[0] === old.identity_id) || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? null;
    const next = becomes ? byId.get(becomes)! : null;
    const mineSet = new Set(mine);
    const lost = mine.filter((t) => ownerAfter.get(t) !== becomes);
    const gained = (next?.track_ids ?? []).filter((t) => !mineSet.has(t));
    const name = old.labels?.name ?? null;
    const labelKept = name === null ? null : next?.labels?.name === name;
    if (!lost.length && !gained.length && labelKept !== false) continue;
    out.push({ identity_id: old.identity_id, name, locked: old.locked, tracks_before: old.track_ids.length, becomes, tracks_after: next?.track_ids.length ?? 0, gained, lost, label_kept: labelKept });
  }
  return out;
}
