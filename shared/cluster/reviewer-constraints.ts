// Reviewer constraints (shared/schema/constraints.ts): how an edit records them, how they follow track
// ids that a recomputation renumbered, and how a document is checked against them. Pure.
//
// Recording (recordEdit): every identity whose track list the edit changed becomes a must-link group
// (its whole current track list: the reviewer looked at it and shaped it), replacing any older group
// that shares a track with it; tracks that were in one identity before the edit and are in two
// touched identities after it get a cannot-link pair; a removed track is excluded. A newer edit wins
// over an older fact it contradicts: a must-link group drops the cannot-link pairs it bridges (the
// bridged tracks leave the side that shares fewer of them) and clears the exclusion of its tracks.
import type { IdentitiesDoc, ReviewConstraints } from '../schema';

type Pair = [string[], string[]];

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((t, i) => t === b[i]);

/** Identities of `after` whose track list differs from the one with the same id in `before` (or is new). */
export function touchedIdentities(before: IdentitiesDoc, after: IdentitiesDoc) {
  const old = new Map(before.identities.map((i) => [i.identity_id, i.track_ids]));
  return after.identities.filter((i) => !old.has(i.identity_id) || !sameList(old.get(i.identity_id)!, i.track_ids));
}

/**
 * The constraints after adding must-link `groups`, cannot-link `pairs` and `exclude`, with the
 * contradiction rules of the header. Output is canonical (sorted), so equal facts serialise equally.
 */
export function addFacts(c: ReviewConstraints, groups: string[][], pairs: Pair[], exclude: string[]): ReviewConstraints {
  const fresh = groups.filter((g) => g.length >= 2);
  const inFresh = new Set(fresh.flat());
  // An older group loses to any newer one it meets, a one-track identity included.
  const reshaped = new Set(groups.flat());
  const mustLink = [...c.must_link.filter((g) => !g.some((t) => reshaped.has(t))), ...fresh];
  let cannot: Pair[] = [...c.cannot_link.map(([a, b]) => [a.slice(), b.slice()] as Pair), ...pairs];
  for (const g of fresh) {
    const set = new Set(g);
    cannot = cannot.map(([a, b]): Pair => {
      const na = a.filter((t) => set.has(t)).length;
      const nb = b.filter((t) => set.has(t)).length;
      if (!na || !nb) return [a, b];
      return na < nb ? [a.filter((t) => !set.has(t)), b] : [a, b.filter((t) => !set.has(t))];
    });
  }
  const excluded = new Set([...c.excluded.filter((t) => !inFresh.has(t)), ...exclude]);
  return canonical({ version: 1, must_link: mustLink, cannot_link: cannot, excluded: [...excluded] });
}

/** Sorted, deduplicated, empty sides and singleton groups dropped. */
export function canonical(c: ReviewConstraints): ReviewConstraints {
  const sortU = (l: readonly string[]) => [...new Set(l)].sort();
  const groups = c.must_link.map(sortU).filter((g) => g.length >= 2);
  const pairs = c.cannot_link
    .map(([a, b]) => [sortU(a), sortU(b)].sort((x, y) => (x[0] < y[0] ? -1 : 1)) as Pair)
    .filter(([a, b]) => a.length && b.length);
  const key = (p: Pair) => JSON.stringify(p);
  const uniq = [...new Map(pairs.map((p) => [key(p), p])).values()].sort((x, y) => (key(x) < key(y) ? -1 : 1));
  return {
    version: 1,
    must_link: [...new Map(groups.map((g) => [g.join(','), g])).values()].sort((x, y) => (x[0] < y[0] ? -1 : 1)),
    cannot_link: uniq,
    excluded: sortU(c.excluded),
  };
}

export interface EditFacts {
  /** Tracks the reviewer took out of their identity on their own (removeTrack). */
  excluded?: string[];
  /** Extra cannot-link pairs the edit states (a track split at a face: its two halves). */
  pairs?: Pair[];
}

/** The constraints after an edit that turned `before` into `after` (see the header). */
export function recordEdit(c: ReviewConstraints, before: IdentitiesDoc, after: IdentitiesDoc, facts: EditFacts = {}): ReviewConstraints {
  const touched = touchedIdentities(before, after);
  if (!touched.length && !facts.pairs?.length && !facts.excluded?.length) return c;
  const ownerBefore = new Map<string, string>();
  for (const i of before.identities) for (const t of i.track_ids) ownerBefore.set(t, i.identity_id);
  const pairs: Pair[] = [...(facts.pairs ?? [])];
  for (let x = 0; x < touched.length; x++) {
    for (let y = x + 1; y < touched.length; y++) {
      // Per identity of `before`: its tracks now split between touched x and y.
      const byOld = new Map<string, Pair>();
      for (const t of touched[x].track_ids) {
        const o = ownerBefore.get(t);
        if (o) (byOld.get(o) ?? byOld.set(o, [[], []]).get(o)!)[0].push(t);
      }
      for (const t of touched[y].track_ids) {
        const o = ownerBefore.get(t);
        if (o && byOld.has(o)) byOld.get(o)![1].push(t);
      }
      for (const p of byOld.values()) if (p[0].length && p[1].length) pairs.push(p);
    }
  }
  return addFacts(c, touched.map((i) => i.track_ids.slice()), pairs, facts.excluded ?? []);
}

/**
 * The constraints in terms of other track ids. `map(t)` gives the tracks `t` became: undefined keeps
 * `t` (not renumbered), [] drops it (no longer exists).
 */
export function translateConstraints(c: ReviewConstraints, map: (t: string) => readonly string[] | undefined): ReviewConstraints {
  const tr = (l: readonly string[]) => l.flatMap((t) => map(t) ?? [t]);
  return canonical({
    version: 1,
    must_link: c.must_link.map(tr),
    cannot_link: c.cannot_link.map(([a, b]) => [tr(a), tr(b)] as Pair),
    excluded: tr(c.excluded),
  });
}

/** Only the facts about tracks in `present` (tracks.jsonl of the episode). */
export function restrictConstraints(c: ReviewConstraints, present: ReadonlySet<string>): ReviewConstraints {
  return translateConstraints(c, (t) => (present.has(t) ? undefined : []));
}

export const constraintTracks = (c: ReviewConstraints): string[] => [...new Set([...c.must_link.flat(), ...c.cannot_link.flat(2), ...c.excluded])];

export const isEmptyConstraints = (c: ReviewConstraints) => !c.must_link.length && !c.cannot_link.length && !c.excluded.length;

/** Every way `doc` breaks `c` (tracks absent from the document are ignored), as readable sentences. */
export function constraintViolations(doc: IdentitiesDoc, c: ReviewConstraints): string[] {
  const owner = new Map<string, string>();
  const size = new Map<string, number>();
  for (const i of doc.identities) {
    size.set(i.identity_id, i.track_ids.length);
    for (const t of i.track_ids) owner.set(t, i.identity_id);
  }
  const out: string[] = [];
  for (const g of c.must_link) {
    const owners = new Set(g.flatMap((t) => (owner.has(t) ? [owner.get(t)!] : [])));
    if (owners.size > 1) out.push(`must-link ${g.join(', ')} is spread over ${[...owners].join(', ')}`);
  }
  for (const [a, b] of c.cannot_link) {
    const oa = new Set(a.flatMap((t) => (owner.has(t) ? [owner.get(t)!] : [])));
    const both = b.filter((t) => oa.has(owner.get(t) ?? ''));
    if (both.length) out.push(`cannot-link ${a.join(', ')} | ${b.join(', ')}: ${both[0]} shares ${owner.get(both[0])} with the other side`);
  }
  for (const t of c.excluded) {
    const o = owner.get(t);
    if (o && size.get(o)! > 1) out.push(`excluded ${t} is in ${o} with other tracks`);
  }
  return out;
}
