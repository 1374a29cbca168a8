// Review commands that answer a question about an identity rather than reshape it: "Set as cover"
// and "Not the same person". Each returns the new identity list (apply.ts finishes the document and
// derives the inverse) or a refusal.
import type { EditFacts } from '../cluster/reviewer-constraints';
import type { IdentitiesDoc, Identity } from '../schema';
import type { AnyCommand, CommandContext, NotSamePersonCommand, Refusal, SetCoverCommand } from './schema';

const refuse = (code: Refusal['code'], message: string): Refusal => ({ ok: false, code, message });

/** canonical_face_path := one of the identity's own face crops (one that its track has, when the context lists them). */
export function setCover(doc: IdentitiesDoc, c: SetCoverCommand, now: string, ctx: CommandContext): Identity[] | Refusal {
  const idx = doc.identities.findIndex((i) => i.identity_id === c.identity_id);
  if (idx < 0) return refuse('not_found', `identity ${c.identity_id} not found`);
  const cur = doc.identities[idx];
  const track = c.crop_path.split('/')[1];
  if (!cur.track_ids.includes(track)) return refuse('invalid', `${c.crop_path} is a face of ${track}, which is not in ${c.identity_id}`);
  const crops = ctx.tracks?.[track]?.crops;
  if (crops && !crops.includes(c.crop_path)) return refuse('not_found', `${track} has no face crop ${c.crop_path}`);
  if (cur.canonical_face_path === c.crop_path) return refuse('invalid', `${c.crop_path} is already the cover of ${c.identity_id}`);
  const ids = doc.identities.slice();
  ids[idx] = { ...cur, canonical_face_path: c.crop_path, updated_at: now };
  return ids;
}

/** The identities stay as they are; the fact is the cannot-link editFacts states. */
export function notSamePerson(doc: IdentitiesDoc, c: NotSamePersonCommand, ctx: CommandContext): Identity[] | Refusal {
  const [a, b] = c.identity_ids.map((id) => doc.identities.find((i) => i.identity_id === id));
  if (c.identity_ids[0] === c.identity_ids[1]) return refuse('invalid', `${c.identity_ids[0]} is one identity`);
  const missing = c.identity_ids.filter((_, k) => ![a, b][k]);
  if (missing.length) return refuse('not_found', `identity ${missing.join(', ')} not found`);
  // The fact lives in the reviewer constraints: without them there is nothing to record.
  if (!ctx.constraints) return refuse('invalid', 'not-the-same-person answers need the reviewer constraints');
  return doc.identities.slice();
}

/** Facts a command states beyond the track lists it changes (recordEdit derives those). */
export function editFacts(doc: IdentitiesDoc, command: AnyCommand): EditFacts {
  if (command.op === 'removeTrack') return { excluded: [command.track_id] };
  if (command.op === 'notSamePerson') {
    const [a, b] = command.identity_ids.map((id) => doc.identities.find((i) => i.identity_id === id)!.track_ids.slice());
    return { pairs: [[a, b]] };
  }
  return {};
}
