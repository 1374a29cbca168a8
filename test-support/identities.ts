// Small identities for tests: ids in the spec's padded form and an identity built from track numbers.
import { identitiesDocSchema, type IdentitiesDoc, type Identity } from '../shared/schema';
import { computeCounts } from '../shared/commands';

export const T0 = '2025-11-18T12:34:56.000Z';
export const EP = 'rhobh-s05e02';
export const identityId = (n: number) => `identity-${String(n).padStart(5, '0')}`;
export const trackId = (n: number) => `track-${String(n).padStart(5, '0')}`;

export function ident(n: number, tracks: number[], extra: Partial<Identity> = {}): Identity {
  return {
    identity_id: identityId(n),
    cluster_id: tracks.length > 1 ? n : null,
    track_ids: tracks.map(trackId),
    canonical_face_path: `thumbs/${identityId(n)}/rep.jpg`,
    embedding_stats: { centroid_norm: 0.97, variance: 0.02, num_tracks: tracks.length, num_faces_total: tracks.length * 10 },
    labels: {},
    locked: false,
    created_at: T0,
    updated_at: T0,
    ...extra,
  };
}

/** A valid identities document of these identities, at `revision`. */
export function docOf(identities: Identity[], revision: number): IdentitiesDoc {
  return identitiesDocSchema.parse({
    identities,
    metadata: {
      ep_id: EP,
      ...computeCounts(identities),
      cluster_thresh: 0.58,
      min_cluster_size: 2,
      algorithm: 'agglomerative',
      linkage: 'average',
      created_at: T0,
      revision,
    },
  });
}
