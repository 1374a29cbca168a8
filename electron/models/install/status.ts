// What the CLI's `models list` and the Settings → Models panel show for each installable pack: the
// licence and download size before anything is fetched, and whether it is installed in a folder.
import { catalogPack, defaultModelsDir, downloadBytes, type Catalog } from './catalog';
import { readReceipts } from './receipts';

export interface InstallablePack {
  id: string;
  name: string;
  summary: string;
  licence: string;
  licence_text: string;
  licence_notes: string;
  commercial_use: boolean;
  /** Bytes to download (each archive once); files copied from another pack cost nothing. */
  download_bytes: number;
  /** Files or archives whose size the catalogue does not know (not counted above). */
  unknown_sizes: number;
  /** Files without a pinned hash (install refuses them unless explicitly allowed). */
  unpinned: string[];
  /** Where each file's hash comes from, e.g. {"face_detection_yunet_2026may.onnx": "verified-here"}. */
  hash_status: Record<string, string>;
  installed: boolean;
  installed_at: string | null;
}

export async function listInstallable(catalog: Catalog, modelsDir: string): Promise<InstallablePack[]> {
  const receipts = new Map((await readReceipts(modelsDir)).map((r) => [r.pack, r]));
  return Object.keys(catalog.packs).map((id) => {
    const p = catalogPack(catalog, id);
    const files = Object.values(p.files);
    const size = downloadBytes(catalog, p);
    return {
      id,
      name: p.name,
      summary: p.summary,
      licence: p.licence.short,
      licence_text: p.licence.text,
      licence_notes: p.licence.notes,
      commercial_use: p.licence.commercialUse,
      download_bytes: size.bytes,
      unknown_sizes: size.unknown,
      unpinned: files.filter((f) => f.sha256 === null).map((f) => f.path),
      hash_status: Object.fromEntries(files.map((f) => [f.path, f.hashStatus])),
      installed: receipts.has(id),
      installed_at: receipts.get(id)?.installed_at ?? null,
    };
  });
}

/** The default models folder when it holds an installed `packId` (so `run --pack <id>` finds it). */
export async function installedModelsDir(packId: string): Promise<string | undefined> {
  const dir = defaultModelsDir();
  return (await readReceipts(dir)).some((r) => r.pack === packId) ? dir : undefined;
}
