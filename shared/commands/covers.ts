// The cover (canonical_face_path) of an identity whose tracks a command changes.
import type { Identity } from '../schema';
import type { CommandContext } from './schema';

/** The best face crop of `trackIds` by the tracks' cover facts; '' when none is known. */
export function bestCover(trackIds: string[], ctx: CommandContext): string {
  let best: { crop: string; score: number } | undefined;
  for (const t of trackIds) {
    const c = ctx.tracks?.[t]?.cover;
    if (c && (!best || c.score > best.score)) best = c;
  }
  return best?.crop ?? trackIds.map((t) => ctx.tracks?.[t]?.thumb).find((x) => !!x) ?? '';
}

/**
 * The cover after an identity's tracks changed. A crop one of its tracks still has stays (the
 * reviewer's "Set as cover" included). An identity that lost tracks and shows the pipeline's cover
 * (its generated thumbnail, a copy of its best face at clustering time) or a crop of a track it no
 * longer has gets its best remaining face instead: the lost track may be the one the cover showed,
 * and a card must not show someone who is no longer in it. Without facts the cover is left alone.
 */
export function coverAfter(ident: Identity, trackIds: string[], ctx: CommandContext): string {
  const cur = ident.canonical_face_path;
  const facts = trackIds.map((t) => ctx.tracks?.[t]);
  if (facts.some((f) => f?.crops === undefined)) return cur;
  if (cur && facts.some((f) => f!.crops!.includes(cur))) return cur;
  const lost = ident.track_ids.some((t) => !trackIds.includes(t));
  if (!lost && cur) return cur;
  return bestCover(trackIds, ctx) || cur;
}
