// review_constraints.json (side file beside identities.json, data/manifests/<ep_id>/): the facts the
// reviewer's edits established about tracks, which every recomputation (cleanup, re-cluster, a re-run's
// track remap) must keep. Written atomically by the review service after each edit (and with the
// journal entry, so a crash between the two loses nothing), and by the stages that renumber tracks
// (cleanup split_tracks, the cluster stage applying track_remap.json) with the ids translated.
//   must_link   groups of tracks the reviewer put together (the tracks of an identity they merged,
//               moved tracks into, or split) — each group ends up in one identity;
//   cannot_link pairs of track sets the reviewer separated (split, moved out, removed, track split at
//               a face) — no identity holds a track of both sides;
//   excluded    tracks the reviewer removed from an identity — kept out of clustering (each stays
//               on its own) until the reviewer moves or merges it somewhere.
// Rules for later edits that contradict earlier ones: shared/cluster/reviewer-constraints.ts.
import { z } from 'zod';
import { trackIdSchema } from './common';

export const reviewConstraintsSchema = z.strictObject({
  version: z.literal(1),
  must_link: z.array(z.array(trackIdSchema).min(2, 'a must-link group needs at least two tracks')),
  cannot_link: z.array(z.tuple([z.array(trackIdSchema).min(1), z.array(trackIdSchema).min(1)])),
  excluded: z.array(trackIdSchema),
});
export type ReviewConstraints = z.infer<typeof reviewConstraintsSchema>;

export const emptyConstraints = (): ReviewConstraints => ({ version: 1, must_link: [], cannot_link: [], excluded: [] });
