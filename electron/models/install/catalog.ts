// The catalogue of installable packs (models/catalog.json): per pack, the files to fetch (a URL, a
// member of a release zip, or a file of another pack already on disk), their size and sha256, and the
// licence. Validated with zod before anything is downloaded; an invalid catalogue names file and field.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { REPO_ROOT } from '../pack';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lower-case hex digits');

/**
 * `sha256: null` = unverifiable here (no hash known): install refuses such a file unless the user
 * explicitly allows unpinned files. `hashStatus` says where a given hash comes from.
 */
const hashed = {
  bytes: z.number().int().positive().optional(),
  sha256: sha256.nullable(),
  hashStatus: z.enum(['verified-here', 'public-pin', 'unverifiable-here']),
  hashNote: z.string().min(1),
};

const urlSource = z.strictObject({
  kind: z.literal('url'),
  /** Official URLs, tried in order. */
  urls: z.array(z.url({ protocol: /^https?$/ })).min(1),
  /** File name under a mirror base URL (SCREENALYTICS_MODELS_MIRROR). */
  mirrorName: z.string().regex(/^[A-Za-z0-9._-]+$/),
});
const archiveSource = z.strictObject({ kind: z.literal('archive'), archive: z.string().min(1), member: z.string().min(1) });
/** A file another pack already holds (e.g. the default pack's embedder, generated at npm install). */
const packSource = z.strictObject({ kind: z.literal('pack'), pack: z.string().min(1), file: z.string().min(1) });

export const CatalogFileSchema = z.strictObject({
  path: z.string().regex(/^[A-Za-z0-9._-]+$/, 'a plain file name'),
  ...hashed,
  source: z.discriminatedUnion('kind', [urlSource, archiveSource, packSource]),
});
export type CatalogFile = z.infer<typeof CatalogFileSchema>;

export const CatalogArchiveSchema = z.strictObject({
  urls: z.array(z.url({ protocol: /^https?$/ })).min(1),
  mirrorName: z.string().regex(/^[A-Za-z0-9._-]+$/),
  ...hashed,
});
export type CatalogArchive = z.infer<typeof CatalogArchiveSchema>;

export const CatalogPackSchema = z.strictObject({
  name: z.string().min(1),
  summary: z.string().min(1),
  licence: z.strictObject({
    short: z.string().min(1),
    commercialUse: z.boolean(),
    text: z.string().min(1),
    notes: z.string().min(1),
  }),
  /** Keys are the pack manifest's `files` keys. */
  files: z.record(z.string(), CatalogFileSchema),
});
export type CatalogPack = z.infer<typeof CatalogPackSchema>;

export const CatalogSchema = z
  .strictObject({
    about: z.string(),
    archives: z.record(z.string(), CatalogArchiveSchema),
    packs: z.record(z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/), CatalogPackSchema),
  })
  .superRefine((c, ctx) => {
    for (const [id, p] of Object.entries(c.packs)) {
      for (const [key, f] of Object.entries(p.files)) {
        if (f.source.kind === 'archive' && !(f.source.archive in c.archives)) {
          ctx.addIssue({ code: 'custom', path: ['packs', id, 'files', key, 'source', 'archive'], message: `refers to "${f.source.archive}", which is not in archives` });
        }
        if ((f.sha256 === null) !== (f.hashStatus === 'unverifiable-here')) {
          ctx.addIssue({ code: 'custom', path: ['packs', id, 'files', key, 'hashStatus'], message: 'unverifiable-here exactly when sha256 is null' });
        }
      }
    }
  });
export type Catalog = z.infer<typeof CatalogSchema>;

/** models/catalog.json beside models/packs (the packaged app sets SCREENALYTICS_MODELS_ROOT). */
export function defaultCatalogPath(): string {
  return join(process.env.SCREENALYTICS_MODELS_ROOT || REPO_ROOT, 'models/catalog.json');
}

export function readCatalog(file = defaultCatalogPath()): Catalog {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read model catalogue ${file}: ${(err as Error).message}`);
  }
  const r = CatalogSchema.safeParse(json);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`invalid model catalogue ${file}:\n${lines.join('\n')}`);
  }
  return r.data;
}

export function catalogPack(c: Catalog, id: string): CatalogPack {
  const p = c.packs[id];
  if (!p) throw new Error(`no installable pack "${id}" (installable: ${Object.keys(c.packs).join(', ')})`);
  return p;
}

/** The URLs to try for a file or archive: the mirror alone when one is set, else the official ones. */
export function sourceUrls(src: { urls: string[]; mirrorName: string }, mirror?: string): string[] {
  if (!mirror) return src.urls;
  return [`${mirror.replace(/\/+$/, '')}/${src.mirrorName}`];
}

/** Mirror base URL: an explicit option wins over SCREENALYTICS_MODELS_MIRROR. */
export function mirrorBase(explicit?: string): string | undefined {
  const m = explicit ?? process.env.SCREENALYTICS_MODELS_MIRROR;
  return m && m.trim() ? m.trim() : undefined;
}

/** What installing a pack downloads: its URL files plus each archive once (pack-sourced files are copied). */
export function downloadBytes(c: Catalog, p: CatalogPack): { bytes: number; unknown: number } {
  let bytes = 0;
  let unknown = 0;
  const archives = new Set<string>();
  for (const f of Object.values(p.files)) {
    const size = f.source.kind === 'url' ? f.bytes : f.source.kind === 'archive' && !archives.has(f.source.archive) ? c.archives[f.source.archive].bytes : 0;
    if (f.source.kind === 'archive') archives.add(f.source.archive);
    if (size === undefined) unknown++;
    else bytes += size;
  }
  return { bytes, unknown };
}

/** Files of a pack whose hash is not pinned (install refuses them without allowUnpinned). */
export function unpinnedFiles(c: Catalog, p: CatalogPack): string[] {
  return Object.values(p.files)
    .filter((f) => f.sha256 === null)
    .map((f) => f.path);
}

/** Default folder for user-installed model files when the `modelsDir` setting is unset. */
export function defaultModelsDir(): string {
  if (process.env.SCREENALYTICS_MODELS_DIR) return resolve(process.env.SCREENALYTICS_MODELS_DIR);
  const home = process.env.HOME || process.env.USERPROFILE || '.';
  if (process.platform === 'win32') return join(process.env.APPDATA || join(home, 'AppData/Roaming'), 'Screenalytics/models');
  if (process.platform === 'darwin') return join(home, 'Library/Application Support/Screenalytics/models');
  return join(process.env.XDG_DATA_HOME || join(home, '.local/share'), 'screenalytics/models');
}
