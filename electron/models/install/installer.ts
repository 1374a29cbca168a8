// Installs a catalogue pack into the user's models folder: every file is downloaded (or extracted,
// or copied) into a staging folder inside the models folder, checked against its pinned sha256, and
// only then renamed into place; the pack's receipt (.installed/<id>.json) is written last. A failure
// at any point (offline, cut connection, wrong hash, full disk, cancel) removes the staging folder,
// so the models folder holds a verified pack or nothing new — never an unverified file.
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { readPackManifest } from '../manifest';
import { packFileDir, resolveManifestPath, sha256File, type PackDirs } from '../pack';
import { fsyncDir } from '../../store/atomic';
import { catalogPack, mirrorBase, sourceUrls, unpinnedFiles, type Catalog, type CatalogFile, type CatalogPack } from './catalog';
import { downloadFile, envDispatcher, InstallError } from './download';
import { readReceipts, writeReceipt, type Receipt } from './receipts';
import { modelFiles } from '../../../shared/layout';
import { extractMembers } from './zip';

export interface InstallProgress {
  pack: string;
  stage: 'download' | 'extract' | 'verify' | 'install' | 'done';
  /** File being worked on (its name in the models folder, or the archive's). */
  file: string;
  /** Bytes downloaded so far / to download in all (0/0 when nothing needs downloading). */
  done: number;
  total: number;
  /** Bytes per second and seconds left (null until measurable). */
  rate: number | null;
  eta: number | null;
}

export interface InstallOptions extends Pick<PackDirs, 'packsDir' | 'generatedDir'> {
  catalog: Catalog;
  packId: string;
  modelsDir: string;
  /** Mirror base URL (default SCREENALYTICS_MODELS_MIRROR). */
  mirror?: string;
  /** Accept files whose sha256 the catalogue cannot give (unverifiable here); off by default. */
  allowUnpinned?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: InstallProgress) => void;
  dispatcher?: Dispatcher;
  openWrite?: (path: string, append: boolean) => Writable;
  attempts?: number;
  backoffMs?: number;
  now?: () => Date;
}

const STAGE_PREFIX = '.install-';

/** Removes staging folders left by installs whose process is gone (a crash or a kill mid-install). */
export async function sweepStaging(modelsDir: string): Promise<string[]> {
  const names = await readdir(modelsDir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const n of names.filter((x) => x.startsWith(STAGE_PREFIX))) {
    const pid = Number(/-(\d+)-[0-9a-f]+$/.exec(n)?.[1]);
    // This process's own staging folders belong to installs still running; so do a live process's.
    let alive = pid === process.pid;
    try {
      alive ||= Number.isInteger(pid) && pid > 0 && process.kill(pid, 0);
    } catch {
      /* no such process: its install died */
    }
    if (alive) continue;
    await rm(join(modelsDir, n), { recursive: true, force: true });
    removed.push(n);
  }
  return removed;
}

/** The file is already in the models folder with its pinned hash (packs share files, e.g. w600k_r50). */
async function alreadyThere(modelsDir: string, f: CatalogFile): Promise<boolean> {
  if (!f.sha256) return false;
  const p = join(modelsDir, f.path);
  if (!(await stat(p).then((s) => s.isFile(), () => false))) return false;
  return (await sha256File(p)) === f.sha256;
}

async function checkHash(path: string, f: { sha256: string | null }, label: string): Promise<string> {
  const got = await sha256File(path);
  if (f.sha256 && got !== f.sha256) {
    throw new InstallError('mismatch', `${label}: sha256 ${got}, expected ${f.sha256}: the download is damaged or not the pinned file`);
  }
  return got;
}

function progressMeter(o: InstallOptions, total: number) {
  const started = Date.now();
  let done = 0;
  let stage: InstallProgress['stage'] = 'download';
  let file = '';
  let lastEmit = 0;
  const emit = (force = false) => {
    const t = Date.now();
    if (!force && t - lastEmit < 100) return;
    lastEmit = t;
    const secs = (t - started) / 1000;
    const rate = secs > 0.2 && done > 0 ? done / secs : null;
    o.onProgress?.({ pack: o.packId, stage, file, done, total, rate, eta: rate ? Math.max(0, (total - done) / rate) : null });
  };
  return {
    at(s: InstallProgress['stage'], f: string) {
      stage = s;
      file = f;
      emit(true);
    },
    bytes(n: number) {
      done += n;
      emit();
    },
  };
}

/** Fetches every missing file of the pack into `stage`; returns the files to move into place. */
async function stageFiles(o: InstallOptions, pack: CatalogPack, stage: string): Promise<{ key: string; f: CatalogFile; tmp: string; sha256: string }[]> {
  const todo: [string, CatalogFile][] = [];
  for (const [key, f] of Object.entries(pack.files)) if (!(await alreadyThere(o.modelsDir, f))) todo.push([key, f]);
  const archives = [...new Set(todo.flatMap(([, f]) => (f.source.kind === 'archive' ? [f.source.archive] : [])))];
  const total =
    todo.reduce((s, [, f]) => s + (f.source.kind === 'url' ? (f.bytes ?? 0) : 0), 0) + archives.reduce((s, a) => s + (o.catalog.archives[a].bytes ?? 0), 0);
  const meter = progressMeter(o, total);
  const dispatcher = o.dispatcher ?? envDispatcher();
  const mirror = mirrorBase(o.mirror);
  const get = (urls: string[], dest: string, bytes?: number) =>
    downloadFile({ urls, dest, bytes, dispatcher, signal: o.signal, onBytes: (n) => meter.bytes(n), openWrite: o.openWrite, attempts: o.attempts, backoffMs: o.backoffMs });
  const out: { key: string; f: CatalogFile; tmp: string; sha256: string }[] = [];
  for (const name of archives) {
    const a = o.catalog.archives[name];
    const zip = join(stage, a.mirrorName);
    meter.at('download', a.mirrorName);
    await get(sourceUrls(a, mirror), zip, a.bytes);
    meter.at('verify', a.mirrorName);
    if (a.sha256) await checkHash(zip, a, a.mirrorName);
    const members = todo.filter(([, f]) => f.source.kind === 'archive' && f.source.archive === name);
    meter.at('extract', a.mirrorName);
    await extractMembers(zip, new Map(members.map(([, f]) => [(f.source as { member: string }).member, join(stage, f.path)])), o.signal);
    await rm(zip, { force: true });
  }
  for (const [key, f] of todo) {
    const tmp = join(stage, f.path);
    if (f.source.kind === 'url') {
      meter.at('download', f.path);
      await get(sourceUrls(f.source, mirror), tmp, f.bytes);
    } else if (f.source.kind === 'pack') {
      await copyFile(packSourcePath(o, f.source.pack, f.source.file), tmp);
    }
    meter.at('verify', f.path);
    out.push({ key, f, tmp, sha256: await checkHash(tmp, f, f.path) });
  }
  meter.at('install', o.packId);
  return out;
}

/** Where another pack's file lives on this machine (the default pack's generated folder). */
function packSourcePath(o: InstallOptions, packId: string, key: string): string {
  const m = readPackManifest(resolveManifestPath({ packId, packsDir: o.packsDir }));
  const dir = packFileDir(m, { generatedDir: o.generatedDir, userModelDir: o.modelsDir });
  const f = m.files[key];
  if (typeof dir !== 'string' || !f) throw new InstallError('io', `pack "${packId}" has no file "${key}" on this machine`);
  return join(dir, f.path);
}

/** Installs a pack; resolves with its receipt, or throws an InstallError having left nothing new behind. */
export async function installPack(o: InstallOptions): Promise<Receipt> {
  const pack = catalogPack(o.catalog, o.packId);
  const unpinned = unpinnedFiles(o.catalog, pack);
  if (unpinned.length && !o.allowUnpinned) {
    throw new InstallError('unpinned', `pack "${o.packId}": no sha256 is known here for ${unpinned.join(', ')}; refusing to install unverified files (pass --allow-unpinned to accept them)`);
  }
  await mkdir(o.modelsDir, { recursive: true });
  await sweepStaging(o.modelsDir);
  const stage = join(o.modelsDir, `${STAGE_PREFIX}${o.packId}-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(stage);
  try {
    const staged = await stageFiles(o, pack, stage);
    if (o.signal?.aborted) throw new InstallError('cancelled', 'cancelled');
    // Each rename is atomic and every staged file is verified, so a crash between two renames leaves
    // verified files without a receipt: the pack reads as not installed and a re-install reuses them.
    for (const s of staged) await rename(s.tmp, join(o.modelsDir, s.f.path));
    await fsyncDir(o.modelsDir);
    const files: Receipt['files'] = [];
    for (const [key, f] of Object.entries(pack.files)) {
      const s = staged.find((x) => x.key === key);
      files.push({ key, path: f.path, sha256: s?.sha256 ?? (await sha256File(join(o.modelsDir, f.path))), pinned: f.sha256 !== null });
    }
    const receipt: Receipt = { pack: o.packId, installed_at: (o.now?.() ?? new Date()).toISOString(), commercial_use: pack.licence.commercialUse, files };
    await writeReceipt(o.modelsDir, receipt);
    o.onProgress?.({ pack: o.packId, stage: 'done', file: o.packId, done: 0, total: 0, rate: null, eta: null });
    return receipt;
  } catch (err) {
    if (err instanceof InstallError) throw err;
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOSPC') throw new InstallError('disk-full', `no space left on the disk in ${o.modelsDir}; nothing was installed`);
    throw new InstallError('io', `installing "${o.packId}" into ${o.modelsDir}: ${e.message}`);
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

/** Removes a pack's files (except those another installed pack still uses) and its receipt. */
export async function removePack(modelsDir: string, packId: string): Promise<{ removed: string[]; kept: string[] }> {
  const receipts = await readReceipts(modelsDir);
  const mine = receipts.find((r) => r.pack === packId);
  if (!mine) throw new Error(`pack "${packId}" is not installed in ${modelsDir}`);
  const used = new Set(receipts.filter((r) => r.pack !== packId).flatMap((r) => r.files.map((f) => f.path)));
  const removed: string[] = [];
  const kept: string[] = [];
  // The receipt goes first: from then on the pack reads as not installed, whatever happens next.
  await rm(join(modelsDir, modelFiles.receipt(packId)), { force: true });
  for (const f of mine.files) {
    if (used.has(f.path)) kept.push(f.path);
    else {
      await rm(join(modelsDir, f.path), { force: true });
      removed.push(f.path);
    }
  }
  await fsyncDir(modelsDir);
  return { removed, kept };
}

export interface VerifyResult {
  pack: string;
  ok: boolean;
  problems: string[];
}

/** Re-hashes every installed pack's files against the catalogue (or, for unpinned files, the receipt). */
export async function verifyInstalled(catalog: Catalog, modelsDir: string): Promise<VerifyResult[]> {
  const out: VerifyResult[] = [];
  for (const r of await readReceipts(modelsDir)) {
    const problems: string[] = [];
    for (const f of r.files) {
      const p = join(modelsDir, f.path);
      const want = catalog.packs[r.pack]?.files[f.key]?.sha256 ?? f.sha256;
      const got = await stat(p).then((s) => (s.isFile() ? sha256File(p) : null), () => null);
      if (got === null) problems.push(`${p}: missing`);
      else if (got !== want) problems.push(`${p}: sha256 ${got}, expected ${want}`);
    }
    out.push({ pack: r.pack, ok: problems.length === 0, problems });
  }
  return out;
}
