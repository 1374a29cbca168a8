// Episode ids and the storage layout of the artifacts spec (§1 and each artifact's Location).
// Pure: paths here are workspace-relative POSIX strings; electron/store resolves them on disk.

export interface EpisodeId {
  epId: string;
  show: string;
  season: number;
  episode: number;
}

const EP_ID_RE = /^([a-z0-9][a-z0-9-]*?)-s(\d{1,3})e(\d{1,4})$/;

/** Parses `rhobh-s05e02` into show / season / episode. Throws a readable error otherwise. */
export function parseEpId(epId: string): EpisodeId {
  const m = EP_ID_RE.exec(epId);
  if (!m) {
    throw new Error(
      `invalid ep_id "${epId}": expected <show>-s<season>e<episode>, lower-case, e.g. "rhobh-s05e02"`,
    );
  }
  return { epId, show: m[1], season: Number(m[2]), episode: Number(m[3]) };
}

export function isEpId(value: string): boolean {
  return EP_ID_RE.test(value);
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** `<show>/s05/e02`: the per-episode folder used under artifacts/{frames,crops,thumbs}. */
export function episodeArtifactsDir(ep: EpisodeId): string {
  return `${ep.show}/s${pad2(ep.season)}/e${pad2(ep.episode)}`;
}

/**
 * Workspace-relative locations of every artifact of one episode.
 *
 * Relative paths stored inside manifests (`sample_thumbs`, `crop_path`, `canonical_face_path`)
 * are relative to the episode's artifact base `artifacts/<kind>/<show>/s##/e##/`, exactly as the
 * spec's examples read: `crops/track-00001/frame_000042.jpg` → the kind folder is the first
 * segment (`crops`, `thumbs`, `frames`), the rest lives under that kind's episode folder.
 * So `crops/track-00001/x.jpg` resolves to `artifacts/crops/<show>/s##/e##/tracks/track-00001/x.jpg`,
 * `thumbs/identity-00001/rep.jpg` to `artifacts/thumbs/<show>/s##/e##/identities/identity-00001/rep.jpg`.
 * `manifestRefToWorkspacePath` is the one function that does it; electron/store confines the result.
 */
export function episodePaths(epIdOrParsed: string | EpisodeId) {
  const ep = typeof epIdOrParsed === 'string' ? parseEpId(epIdOrParsed) : epIdOrParsed;
  const manifests = `data/manifests/${ep.epId}`;
  const embeds = `data/embeds/${ep.epId}`;
  const epDir = episodeArtifactsDir(ep);
  return {
    ep,
    manifestsDir: manifests,
    embedsDir: embeds,
    detections: `${manifests}/detections.jsonl`,
    tracks: `${manifests}/tracks.jsonl`,
    trackMetrics: `${manifests}/track_metrics.json`,
    faces: `${manifests}/faces.jsonl`,
    identities: `${manifests}/identities.json`,
    cleanupReport: `${manifests}/cleanup_report.json`,
    /** Side file: the reviewer's must-link / cannot-link / excluded facts (shared/schema/constraints.ts). */
    reviewConstraints: `${manifests}/review_constraints.json`,
    facesNpy: `${embeds}/faces.npy`,
    trackEmbeddingsNpy: `${embeds}/track_embeddings.npy`,
    /** Side file: model id, embedding dim and track order of track_embeddings.npy (rows ↔ track ids). */
    embeddingsMeta: `${embeds}/embeddings_meta.json`,
    cropsDir: `artifacts/crops/${epDir}/tracks`,
    trackThumbsDir: `artifacts/thumbs/${epDir}/tracks`,
    identityThumbsDir: `artifacts/thumbs/${epDir}/identities`,
    framesDir: `artifacts/frames/${epDir}/frames`,
  };
}

export type EpisodePaths = ReturnType<typeof episodePaths>;

/** Manifest-relative reference (e.g. `crops/track-00001/frame_000042.jpg`) for a crop file. */
export function cropRef(trackId: string, frameIdx: number): string {
  return `crops/${trackId}/frame_${String(frameIdx).padStart(6, '0')}.jpg`;
}

/** Manifest-relative reference of an identity's square thumbnail. */
export function identityThumbRef(identityId: string): string {
  return `thumbs/${identityId}/rep.jpg`;
}

/** Manifest-relative reference of an exported full frame. */
export function frameRef(frameIdx: number): string {
  return `frames/frame_${String(frameIdx).padStart(6, '0')}.jpg`;
}

const KIND_DIRS: Record<string, (p: EpisodePaths) => string> = {
  crops: (p) => p.cropsDir,
  frames: (p) => p.framesDir,
  // thumbs/identity-… → identities/, thumbs/track-… → legacy tracks/
  thumbs: (p) => p.identityThumbsDir.replace(/\/identities$/, ''),
};

/**
 * Maps a manifest-relative reference to a workspace-relative path, or throws if the reference is
 * absolute, contains `..`/empty/backslash segments, or names an unknown kind. This is a lexical
 * check only; electron/store also resolves symlinks before opening anything.
 */
export function manifestRefToWorkspacePath(epId: string | EpisodeId, ref: string): string {
  const problem = manifestRefProblem(ref);
  if (problem) throw new Error(problem);
  const [kind, ...rest] = ref.split('/');
  const base = KIND_DIRS[kind];
  const paths = episodePaths(epId);
  if (kind === 'thumbs') {
    const sub = rest[0].startsWith('identity-') ? 'identities' : 'tracks';
    return `${base(paths)}/${sub}/${rest.join('/')}`;
  }
  return `${base(paths)}/${rest.join('/')}`;
}

/**
 * Why `ref` is not an acceptable manifest reference, or null if it is. Lexical only (no episode, no
 * file system), so schemas can reject `../../etc/passwd` on every read and write.
 */
export function manifestRefProblem(ref: string): string | null {
  if (typeof ref !== 'string' || ref.length === 0) return 'empty path reference';
  if (ref.startsWith('/') || /^[a-zA-Z]:/.test(ref) || ref.includes('\\') || ref.includes('\0')) {
    return `path reference "${ref}" must be relative (no absolute paths, drive letters or backslashes)`;
  }
  const segments = ref.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) {
    return `path reference "${ref}" must not contain empty, "." or ".." segments`;
  }
  if (!Object.hasOwn(KIND_DIRS, segments[0]) || segments.length < 2) {
    return `path reference "${ref}" must start with crops/, thumbs/ or frames/`;
  }
  return null;
}
