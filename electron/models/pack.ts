// Pack loader: manifest → checked files → onnxruntime sessions → FaceDetector + FaceEmbedder.
// Every failure (missing file, wrong hash, corrupt ONNX, wrong tensor names/shapes, unknown kind)
// becomes an Error whose message names the file; nothing here exits or crashes the process.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as ort from 'onnxruntime-node';
import { readPackManifest, type PackManifest } from './manifest';
import { createSession } from './providers';
import { detectorFactory, embedderFactory, knownKinds, type AdapterContext } from './registry';
import type { DeviceRequest, FaceDetector, FaceEmbedder, LoadedPack } from './types';

/** Repository root (electron/models/ → ../..). Packaged builds pass packsDir / generatedDir instead. */
export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
/** Holds models/packs and models/generated: the packaged app sets it to its resources folder (extraResources). */
const MODELS_ROOT = process.env.SCREENALYTICS_MODELS_ROOT || REPO_ROOT;

export interface PackDirs {
  /** Folder holding <id>.json manifests (default models/packs). */
  packsDir?: string;
  /** Parent of generated pack folders (default models/generated). */
  generatedDir?: string;
  /** The user's model folder (setting `modelsDir`, CLI `--models-dir`). */
  userModelDir?: string;
  /** Read this pack's files from here, whatever its location says (tests; SCREENALYTICS_EVAL_DIR). */
  fileDir?: string;
}

export interface LoadPackOptions extends PackDirs {
  packId?: string;
  manifestPath?: string;
  device?: DeviceRequest;
}

function packsDirOf(d: PackDirs): string {
  return d.packsDir ?? join(MODELS_ROOT, 'models/packs');
}

/** The folder a pack's files live in, or an error message when it cannot be known. */
export function packFileDir(m: PackManifest, d: PackDirs): string | { error: string } {
  if (d.fileDir) return resolve(d.fileDir);
  switch (m.location.kind) {
    case 'generated':
      return join(d.generatedDir ?? join(MODELS_ROOT, 'models/generated'), m.id);
    case 'user':
      return d.userModelDir
        ? resolve(d.userModelDir)
        : { error: `pack "${m.id}" uses model files you supply: set the models folder (settings, or --models-dir)` };
    case 'dir':
      return isAbsolute(m.location.path) ? m.location.path : resolve(REPO_ROOT, m.location.path);
  }
}

const hashCache = new Map<string, string>();

/** sha256 of a file, streamed (ArcFace-R50 is 174 MB); cached per path + size + mtime. */
export async function sha256File(file: string): Promise<string> {
  const st = statSync(file);
  const key = `${file}\0${st.size}\0${st.mtimeMs}`;
  const hit = hashCache.get(key);
  if (hit) return hit;
  const h = createHash('sha256');
  await new Promise<void>((ok, fail) => {
    createReadStream(file).on('data', (c) => h.update(c)).on('end', () => ok()).on('error', fail);
  });
  const digest = h.digest('hex');
  hashCache.set(key, digest);
  return digest;
}

/** Keys of the files a pack's detector and embedder use. */
function usedKeys(m: PackManifest): string[] {
  return [...new Set([m.detector.file, ...Object.values(m.detector.extraFiles ?? {}), m.embedder.file])];
}

/** Missing files of a pack (absolute paths), or the reason its folder is unknown. */
export function missingFiles(m: PackManifest, d: PackDirs): string[] {
  const dir = packFileDir(m, d);
  if (typeof dir !== 'string') return [dir.error];
  return usedKeys(m)
    .map((k) => join(dir, m.files[k].path))
    .filter((p) => !existsSync(p) || !statSync(p).isFile());
}

/** Checks presence and hashes; returns warnings for user files whose hash is not a known one. */
export async function verifyPackFiles(m: PackManifest, d: PackDirs): Promise<{ dir: string; warnings: string[] }> {
  const dir = packFileDir(m, d);
  if (typeof dir !== 'string') throw new Error(dir.error);
  const warnings: string[] = [];
  for (const key of usedKeys(m)) {
    const f = m.files[key];
    const p = join(dir, f.path);
    if (!existsSync(p) || !statSync(p).isFile()) {
      throw new Error(`pack "${m.id}": model file ${p} is missing (files.${key})`);
    }
    if (!f.sha256 && !f.knownSha256?.length) continue;
    const got = await sha256File(p);
    if (f.sha256 && got !== f.sha256) {
      throw new Error(`pack "${m.id}": model file ${p} has sha256 ${got}, expected ${f.sha256} (files.${key}): the file is damaged or not the right model`);
    }
    if (!f.sha256 && f.knownSha256 && !f.knownSha256.includes(got)) {
      warnings.push(`pack "${m.id}": ${p} has sha256 ${got.slice(0, 12)}…, not a known hash of ${f.path}; using it as supplied`);
    }
  }
  return { dir, warnings };
}

export function resolveManifestPath(o: Pick<LoadPackOptions, 'packId' | 'manifestPath' | 'packsDir'>): string {
  if (o.manifestPath) return resolve(o.manifestPath);
  if (!o.packId) throw new Error('loadPack: give packId or manifestPath');
  if (!/^[a-z0-9][a-z0-9_.-]*$/.test(o.packId)) throw new Error(`unknown model pack "${o.packId}"`);
  const p = join(packsDirOf(o), `${o.packId}.json`);
  if (!existsSync(p)) {
    const ids = listPackIds(o).join(', ');
    throw new Error(`unknown model pack "${o.packId}" (no ${p}; packs: ${ids || 'none'})`);
  }
  return p;
}

export async function loadPack(o: LoadPackOptions): Promise<LoadedPack> {
  const manifest = readPackManifest(resolveManifestPath(o));
  const device = o.device ?? 'auto';
  const { dir, warnings } = await verifyPackFiles(manifest, o);
  const ran: string[] = [];
  const sessions: ort.InferenceSession[] = [];
  const filePath = (key: string) => {
    const f = manifest.files[key];
    if (!f) throw new Error(`pack "${manifest.id}": no file "${key}" in files`);
    return join(dir, f.path);
  };
  const ctx: AdapterContext = {
    manifest,
    device,
    filePath,
    async open(key) {
      const s = await createSession(filePath(key), device);
      ran.push(s.device);
      if (s.warning && !warnings.includes(s.warning)) warnings.push(s.warning);
      sessions.push(s.session);
      return s.session;
    },
  };
  const detMake = detectorFactory(manifest.detector.kind);
  const embMake = embedderFactory(manifest.embedder.kind);
  if (!detMake) {
    throw new Error(`pack "${manifest.id}": detector kind "${manifest.detector.kind}" is not supported (known: ${knownKinds().detectors.join(', ')})`);
  }
  if (!embMake) {
    throw new Error(`pack "${manifest.id}": embedder kind "${manifest.embedder.kind}" is not supported (known: ${knownKinds().embedders.join(', ')})`);
  }
  let detector: FaceDetector | undefined;
  let embedder: FaceEmbedder | undefined;
  try {
    detector = await detMake(manifest.detector, ctx);
    embedder = await embMake(manifest.embedder, ctx);
  } catch (err) {
    // Release what did open, so a bad embedder file does not leak the detector's session.
    await Promise.allSettled(sessions.map((s) => s.release()));
    throw err;
  }
  const devices = [...new Set(ran)];
  return {
    id: manifest.id,
    detector,
    embedder,
    defaultClusterThresh: manifest.defaultClusterThresh,
    device: devices.length ? devices.join('+') : 'cpu',
    deviceWarning: warnings.find((w) => w.startsWith('device ')),
    warnings,
  };
}

export interface PackInfo {
  id: string;
  name: string;
  description?: string;
  testOnly: boolean;
  location: PackManifest['location']['kind'];
  /** True when every file the pack uses is present (hashes are checked at load). */
  available: boolean;
  /** Missing file paths, or why the pack's folder is unknown. */
  missing: string[];
  /** Set when the manifest itself is invalid. */
  error?: string;
}

function listPackIds(d: PackDirs): string[] {
  const dir = packsDirOf(d);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** Packs for settings and `--pack`: which exist, which can run here (files present). */
export function listPacks(d: PackDirs & { includeTestOnly?: boolean } = {}): PackInfo[] {
  const out: PackInfo[] = [];
  for (const id of listPackIds(d)) {
    const file = join(packsDirOf(d), `${id}.json`);
    try {
      const m = readPackManifest(file);
      if (m.testOnly && !d.includeTestOnly) continue;
      const missing = missingFiles(m, d);
      out.push({ id: m.id, name: m.name, description: m.description, testOnly: m.testOnly, location: m.location.kind, available: missing.length === 0, missing });
    } catch (err) {
      out.push({ id, name: id, testOnly: false, location: 'generated', available: false, missing: [], error: (err as Error).message });
    }
  }
  return out;
}
