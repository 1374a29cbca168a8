// Every path the app writes, in one place: the spec's artifacts (§1 and each artifact's Location),
// the side files beside them, the review files, screen time, the cast library, cleanup backups,
// workspace settings and the crop / thumbnail / frame folders. Pure: paths are workspace-relative
// POSIX strings (electron/store/workspace.ts confines them on disk). scripts/architecture.test.ts
// refuses any other runtime file that spells one of these file names in a path.
import { parseEpId, type EpisodeId } from './episode';

/** File names inside an episode's manifests and embeds folders. */
export const EPISODE_FILES = {
  detections: 'detections.jsonl',
  tracks: 'tracks.jsonl',
  trackMetrics: 'track_metrics.json',
  faces: 'faces.jsonl',
  identities: 'identities.json',
  cleanupReport: 'cleanup_report.json',
  facesNpy: 'faces.npy',
  trackEmbeddingsNpy: 'track_embeddings.npy',
  embeddingsMeta: 'embeddings_meta.json',
  reviewConstraints: 'review_constraints.json',
  detectMeta: 'detect_meta.json',
  shotThumbs: 'shot_thumbs.json',
  trackSamples: 'track_samples.json',
  runState: 'run_state.json',
  trackRemap: 'track_remap.json',
  screentimeJson: 'screentime.json',
  screentimeCsv: 'screentime.csv',
  reviewJournal: 'review_journal.jsonl',
  reviewUndo: 'review_undo.json',
  reviewLock: 'review.lock',
} as const;

/** Inside one cleanup backup folder (electron/pipeline/cleanup/backup.ts). */
export const BACKUP_LAYOUT = {
  /** Folder of the backups, inside the episode's manifests folder. */
  root: 'backups',
  /** A backup folder is `<prefix><timestamp>`; undoing one renames it `<undonePrefix><name>`. */
  prefix: 'cleanup-',
  undonePrefix: 'undone-',
  /** Written last: a folder without it is an unfinished backup. */
  manifest: 'backup.json',
  /** Copies of the files as they were before the cleanup, by workspace-relative path. */
  filesDir: 'files',
  /** Copies as the cleanup left them (what a redo restores). */
  afterDir: 'after',
  /** Left in an undone backup: the review stack a redo puts back. */
  redoMarker: 'redo.json',
} as const;

/** Per-show cast library files (`data/cast/<show>/`). */
export const CAST_FILES = {
  json: 'cast.json',
  npy: 'cast_embeddings.npy',
  prevNpy: 'cast_embeddings.prev.npy',
  /** The show's cross-process write lock (every process that edits an episode of the show writes here). */
  lock: 'cast.lock',
} as const;

/** Files of the app itself, in Electron's user-data folder (not in a workspace). */
export const APP_FILES = {
  settings: 'settings.json',
  recentWorkspaces: 'workspaces.json',
} as const;

/** Inside a models folder (relative to it): the install receipt of each catalogue pack. */
export const modelFiles = {
  receiptsDir: '.installed',
  receipt: (packId: string) => `.installed/${packId}.json`,
} as const;

export const MANIFESTS_ROOT = 'data/manifests';
const EMBEDS_ROOT = 'data/embeds';
const CAST_ROOT = 'data/cast';
/** The workspace's own state: settings, queue settings, run locks. */
const STATE_DIR = '.screenalytics';

/** Workspace-level files (not tied to one episode). */
export const workspaceFiles = {
  settings: `${STATE_DIR}/settings.json`,
  queue: `${STATE_DIR}/queue.json`,
  locksDir: `${STATE_DIR}/locks`,
  /** Folders of deleted episodes, moved here before they are removed (a crash leaves them here, not half listed). */
  trashDir: `${STATE_DIR}/trash`,
} as const;

/** A queue job's run lock of one episode and the record of its holder, beside it. */
export function runLockPaths(epId: string) {
  return { lock: `${workspaceFiles.locksDir}/${epId}.lock`, owner: `${workspaceFiles.locksDir}/${epId}.json` };
}

export function castPaths(show: string) {
  const dir = `${CAST_ROOT}/${show}`;
  return { dir, json: `${dir}/${CAST_FILES.json}`, npy: `${dir}/${CAST_FILES.npy}`, prevNpy: `${dir}/${CAST_FILES.prevNpy}`, lock: `${dir}/${CAST_FILES.lock}` };
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** `<show>/s05/e02`: the per-episode folder used under artifacts/{frames,crops,thumbs}. */
export function episodeArtifactsDir(ep: EpisodeId): string {
  return `${ep.show}/s${pad2(ep.season)}/e${pad2(ep.episode)}`;
}

type EpisodeFiles = { [K in keyof typeof EPISODE_FILES]: string };

/**
 * Workspace-relative locations of every file of one episode.
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
  const manifests = `${MANIFESTS_ROOT}/${ep.epId}`;
  const embeds = `${EMBEDS_ROOT}/${ep.epId}`;
  const epDir = episodeArtifactsDir(ep);
  const inEmbeds = new Set<string>(['facesNpy', 'trackEmbeddingsNpy', 'embeddingsMeta']);
  const files = Object.fromEntries(
    Object.entries(EPISODE_FILES).map(([k, name]) => [k, `${inEmbeds.has(k) ? embeds : manifests}/${name}`]),
  ) as EpisodeFiles;
  return {
    ep,
    manifestsDir: manifests,
    embedsDir: embeds,
    ...files,
    backupsDir: `${manifests}/${BACKUP_LAYOUT.root}`,
    cropsDir: `artifacts/crops/${epDir}/tracks`,
    trackThumbsDir: `artifacts/thumbs/${epDir}/tracks`,
    identityThumbsDir: `artifacts/thumbs/${epDir}/identities`,
    framesDir: `artifacts/frames/${epDir}/frames`,
  };
}

export type EpisodePaths = ReturnType<typeof episodePaths>;

/** Every folder that holds files of one episode, its manifests folder (what lists it) first. */
export function episodeFolders(epIdOrParsed: string | EpisodeId): string[] {
  const p = episodePaths(epIdOrParsed);
  const epDir = episodeArtifactsDir(p.ep);
  return [p.manifestsDir, p.embedsDir, ...(['crops', 'thumbs', 'frames'] as const).map((kind) => `artifacts/${kind}/${epDir}`)];
}

const frameFile = (frameIdx: number) => `frame_${String(frameIdx).padStart(6, '0')}.jpg`;

/** Manifest-relative reference (e.g. `crops/track-00001/frame_000042.jpg`) for a crop file. */
export function cropRef(trackId: string, frameIdx: number): string {
  return `crops/${trackId}/${frameFile(frameIdx)}`;
}

/** The frame index a crop or frame reference names (`…/frame_000042.jpg` → 42), or null. */
export function frameIdxOfRef(ref: string): number | null {
  const m = /frame_(\d+)\.[a-z]+$/i.exec(ref);
  return m ? Number(m[1]) : null;
}

/** Manifest-relative reference of an identity's square thumbnail. */
export function identityThumbRef(identityId: string): string {
  return `thumbs/${identityId}/rep.jpg`;
}

/** Manifest-relative reference of an exported full frame. */
export function frameRef(frameIdx: number): string {
  return `frames/${frameFile(frameIdx)}`;
}

/**
 * Manifest-relative reference of a full frame extracted on demand (electron/media/frames.ts): a cache
 * inside the frames folder, so a re-harvest (which prunes that folder) also drops frames of an old video.
 */
export function frameCacheRef(frameIdx: number): string {
  return `frames/cache/${frameFile(frameIdx)}`;
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
