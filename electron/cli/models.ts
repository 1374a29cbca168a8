// `screenalytics models list|install <pack>|remove <pack>|verify`: the catalogue's packs
// (models/catalog.json), installed into the models folder (--models-dir, else the app's own folder).
// install prints the licence and download size first, shows progress, and Ctrl-C cancels cleanly.
import { parseArgs } from 'node:util';
import { formatBytes } from '../../shared/ipc';
import { catalogPack, defaultModelsDir, readCatalog, type Catalog } from '../models/install/catalog';
import { InstallError } from '../models/install/download';
import { installPack, removePack, verifyInstalled, type InstallProgress } from '../models/install/installer';
import { listInstallable } from '../models/install/status';

const USAGE = `usage: screenalytics models list [--json]
       screenalytics models install <pack> [--allow-unpinned] [--mirror URL]
       screenalytics models remove <pack>
       screenalytics models verify
  --models-dir DIR   the models folder (default ${defaultModelsDir()}; SCREENALYTICS_MODELS_DIR overrides)
  --mirror URL       fetch every file from <URL>/<file name> instead of the official URLs
                     (SCREENALYTICS_MODELS_MIRROR does the same); hashes are checked all the same
  --allow-unpinned   accept files whose sha256 the catalogue cannot give (unverifiable here)
  Proxies: HTTPS_PROXY / HTTP_PROXY / NO_PROXY are honoured.`;

async function list(catalog: Catalog, dir: string, json: boolean): Promise<number> {
  const packs = await listInstallable(catalog, dir);
  if (json) {
    console.log(JSON.stringify({ models_dir: dir, packs }, null, 2));
    return 0;
  }
  console.log(`models folder: ${dir}\n`);
  for (const p of packs) {
    const size = `${formatBytes(p.download_bytes)}${p.unknown_sizes ? ` + ${p.unknown_sizes} of unknown size` : ''}`;
    console.log(`${p.installed ? '*' : ' '} ${p.id.padEnd(24)} ${size.padStart(9)}  ${p.commercial_use ? 'commercial use OK ' : 'NON-COMMERCIAL    '} ${p.licence}`);
    console.log(`  ${' '.repeat(24)} ${p.name}`);
  }
  console.log('\n* = installed. `screenalytics models install <id>` prints the full licence before downloading.');
  return 0;
}

function progressLine(p: InstallProgress): string {
  const pct = p.total > 0 ? ` ${((100 * p.done) / p.total).toFixed(0).padStart(3)}%` : '';
  const rate = p.rate ? `  ${formatBytes(p.rate)}/s  eta ${p.eta === null ? '--' : `${Math.round(p.eta)}s`}` : '';
  return `${p.stage.padEnd(8)} ${p.file}${pct}  ${formatBytes(p.done)}/${formatBytes(p.total)}${rate}`;
}

async function install(catalog: Catalog, dir: string, id: string, o: { mirror?: string; allowUnpinned: boolean }): Promise<number> {
  const pack = catalogPack(catalog, id);
  const info = (await listInstallable(catalog, dir)).find((p) => p.id === id)!;
  console.error(`${pack.name}\nlicence: ${pack.licence.short} — ${pack.licence.commercialUse ? 'commercial use permitted' : 'NOT for commercial use'}\n\n${pack.licence.text}\n\n${pack.licence.notes}\n`);
  console.error(`download: ${formatBytes(info.download_bytes)} into ${dir}`);
  const tty = Boolean(process.stderr.isTTY);
  let lastLine = 0;
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.on('SIGINT', onSigint);
  try {
    await installPack({
      catalog, packId: id, modelsDir: dir, mirror: o.mirror, allowUnpinned: o.allowUnpinned, signal: ac.signal,
      onProgress: (p) => {
        const now = Date.now();
        if (tty) process.stderr.write(`\r${progressLine(p)}\x1b[K`);
        else if (now - lastLine > 2000 || p.stage !== 'download') {
          process.stderr.write(`${progressLine(p)}\n`);
          lastLine = now;
        }
      },
    });
    if (tty) process.stderr.write('\n');
    console.log(`installed ${id} into ${dir}; run with: screenalytics run <video> --pack ${id}${dir === defaultModelsDir() ? '' : ` --models-dir ${dir}`} …`);
    return 0;
  } catch (err) {
    if (tty) process.stderr.write('\n');
    if (!(err instanceof InstallError)) throw err;
    console.error(err.code === 'cancelled' ? 'cancelled; nothing was installed' : `install failed (${err.code}): ${err.message}; nothing was installed`);
    return err.code === 'cancelled' ? 130 : 1;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        'models-dir': { type: 'string' },
        mirror: { type: 'string' },
        'allow-unpinned': { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values: v, positionals: [sub, id, ...extra] } = parsed;
  if (v.help) {
    console.log(USAGE);
    return 0;
  }
  const needsId = sub === 'install' || sub === 'remove';
  if (!sub || !['list', 'install', 'remove', 'verify'].includes(sub) || needsId !== Boolean(id) || extra.length) {
    console.error(USAGE);
    return 2;
  }
  const catalog = readCatalog();
  const dir = v['models-dir'] ?? defaultModelsDir();
  if (sub === 'list') return list(catalog, dir, Boolean(v.json));
  if (sub === 'install') return install(catalog, dir, id, { mirror: v.mirror, allowUnpinned: Boolean(v['allow-unpinned']) });
  if (sub === 'remove') {
    const r = await removePack(dir, id);
    console.log(`removed ${id}: deleted ${r.removed.join(', ') || 'nothing'}${r.kept.length ? `; kept ${r.kept.join(', ')} (used by another installed pack)` : ''}`);
    return 0;
  }
  const results = await verifyInstalled(catalog, dir);
  for (const r of results) console.log(`${r.ok ? 'ok     ' : 'DAMAGED'} ${r.pack}${r.problems.map((p) => `\n  ${p}`).join('')}`);
  if (!results.length) console.log(`no packs installed in ${dir}`);
  return results.every((r) => r.ok) ? 0 : 1;
}
