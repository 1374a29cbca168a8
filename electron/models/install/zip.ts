// Takes the wanted members out of a release zip (InsightFace ships its packs as zips). Members are
// matched by base name, so "buffalo_l/w600k_r50.onnx" and "w600k_r50.onnx" both match; the output
// names are chosen by the caller, never taken from the archive (no path from a zip reaches the disk).
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { InstallError } from './download';

const baseName = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/** Extracts `wanted` (member base name → output path); every wanted member must be present exactly once. */
export async function extractMembers(zipPath: string, wanted: Map<string, string>, signal?: AbortSignal): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((ok, fail) =>
    yauzl.open(zipPath, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (err, z) => (err ? fail(err) : ok(z))),
  ).catch((err: Error) => {
    throw new InstallError('archive', `${zipPath} is not a readable zip: ${err.message}`);
  });
  const found = new Set<string>();
  try {
    await new Promise<void>((ok, fail) => {
      zip.on('error', fail);
      zip.on('end', () => ok());
      zip.on('entry', (entry: yauzl.Entry) => {
        const name = baseName(entry.fileName);
        const out = entry.fileName.endsWith('/') ? undefined : wanted.get(name);
        if (!out) return zip.readEntry();
        if (found.has(name)) return fail(new InstallError('archive', `${zipPath}: ${name} appears twice`));
        found.add(name);
        zip.openReadStream(entry, (err, stream) => {
          if (err) return fail(err);
          pipeline(stream, createWriteStream(out), { signal }).then(() => zip.readEntry(), fail);
        });
      });
      zip.readEntry();
    });
  } catch (err) {
    if (err instanceof InstallError) throw err;
    const e = err as NodeJS.ErrnoException;
    if (e.name === 'AbortError') throw new InstallError('cancelled', 'cancelled');
    if (e.code === 'ENOSPC') throw new InstallError('disk-full', `no space left on the disk while extracting ${zipPath}`);
    throw new InstallError('archive', `${zipPath}: ${e.message}`);
  } finally {
    zip.close();
  }
  const missing = [...wanted.keys()].filter((k) => !found.has(k));
  if (missing.length) throw new InstallError('archive', `${zipPath} has no ${missing.join(', ')}`);
}
