// The model-installer channels (shared/ipc-models.ts) behind ReviewService: list, install (in the
// background, reported by models:progress), cancel, remove, verify. Installs go to the modelsDir
// setting or, when unset, the app's own models folder; a run of a user-folder pack reads from there.
import type { EventName, EventOf, RequestOf, ResponseOf, Settings, SettingsPatch } from '../../shared/ipc';
import type { ModelsProgress } from '../../shared/ipc';
import { readPackManifest } from '../models/manifest';
import { listPacks, resolveManifestPath } from '../models/pack';
import { defaultModelsDir, mirrorBase, readCatalog, type Catalog } from '../models/install/catalog';
import { InstallError } from '../models/install/download';
import { installPack, removePack, verifyInstalled, type InstallProgress } from '../models/install/installer';
import { listInstallable } from '../models/install/status';
import { fail } from './review-views';

export interface ModelsDeps {
  settings(): Promise<Settings>;
  /** Writes settings the UI may not set itself (modelsDir) as well as ordinary ones. */
  saveSettings(patch: SettingsPatch & { modelsDir?: string }): Promise<Settings>;
  emit<E extends EventName>(event: E, payload: EventOf<E>): void;
  /** Catalogue file (tests); default models/catalog.json. */
  catalogPath?: string;
}

/** The folder installs go to and user-folder packs are read from. */
export function effectiveModelsDir(settings: Settings): string {
  return settings.modelsDir ?? defaultModelsDir();
}

/**
 * A run's settings with modelsDir filled in when its pack reads the user's folder and none is set, so
 * a pack installed from the Models panel runs without pointing the app at a folder by hand. Packs that
 * do not read the user folder keep their settings as they are (their stage settings stay unchanged).
 */
export function withModelsDir(settings: Settings): Settings {
  if (settings.modelsDir) return settings;
  try {
    const m = readPackManifest(resolveManifestPath({ packId: settings.packId }));
    return m.location.kind === 'user' ? { ...settings, modelsDir: defaultModelsDir() } : settings;
  } catch {
    return settings;
  }
}

export class ReviewModels {
  private readonly running = new Map<string, AbortController>();
  private catalogCache: Catalog | undefined;

  constructor(private readonly deps: ModelsDeps) {}

  private catalog(): Catalog {
    return (this.catalogCache ??= readCatalog(this.deps.catalogPath));
  }

  async listModels(_req: RequestOf<'models:list'>): Promise<ResponseOf<'models:list'>> {
    const dir = effectiveModelsDir(await this.deps.settings());
    const selectable = listPacks({ userModelDir: dir }).filter((p) => !p.error).map((p) => ({ id: p.id, name: p.name, available: p.available }));
    return { models_dir: dir, mirror: mirrorBase() ?? null, packs: await listInstallable(this.catalog(), dir), selectable, installing: [...this.running.keys()] };
  }

  async installModel(req: RequestOf<'models:install'>): Promise<ResponseOf<'models:install'>> {
    const catalog = this.catalog();
    if (!catalog.packs[req.pack_id]) fail('not_found', `no installable pack "${req.pack_id}"`);
    if (this.running.has(req.pack_id)) return { pack_id: req.pack_id, started: false };
    const settings = await this.deps.settings();
    const ac = new AbortController();
    this.running.set(req.pack_id, ac);
    let last: InstallProgress = { pack: req.pack_id, stage: 'download', file: '', done: 0, total: 0, rate: null, eta: null };
    const report = (state: ModelsProgress['state'], extra: Partial<ModelsProgress> = {}) =>
      this.deps.emit('models:progress', {
        pack_id: req.pack_id, state, stage: last.stage, file: last.file,
        done: Math.round(last.done), total: Math.round(last.total), rate: last.rate, eta: last.eta, ...extra,
      });
    void installPack({
      catalog,
      packId: req.pack_id,
      modelsDir: effectiveModelsDir(settings),
      allowUnpinned: req.allow_unpinned,
      signal: ac.signal,
      onProgress: (p) => {
        last = p;
        if (p.stage !== 'done') report('running');
      },
    })
      .then(async () => {
        if (req.make_default) await this.deps.saveSettings({ packId: req.pack_id });
        report('done', { stage: 'done' });
      })
      .catch((err: Error) => {
        const code = err instanceof InstallError ? err.code : 'internal';
        report(code === 'cancelled' ? 'cancelled' : 'failed', { message: `${err.message}${code === 'cancelled' ? '' : '; nothing was installed'}`, code });
      })
      .finally(() => this.running.delete(req.pack_id));
    return { pack_id: req.pack_id, started: true };
  }

  async cancelModelInstall(req: RequestOf<'models:cancel'>): Promise<ResponseOf<'models:cancel'>> {
    const ac = this.running.get(req.pack_id);
    ac?.abort();
    return { cancelled: Boolean(ac) };
  }

  async removeModel(req: RequestOf<'models:remove'>): Promise<ResponseOf<'models:remove'>> {
    if (this.running.has(req.pack_id)) fail('conflict', `pack "${req.pack_id}" is being installed; cancel first`);
    const settings = await this.deps.settings();
    const r = await removePack(effectiveModelsDir(settings), req.pack_id).catch((err: Error) => fail('not_found', err.message));
    // A default that no longer exists would make every run fail: fall back to the built-in pack.
    const after = settings.packId === req.pack_id ? await this.deps.saveSettings({ packId: 'default' }) : settings;
    return { ...r, default_pack: after.packId };
  }

  async verifyModels(_req: RequestOf<'models:verify'>): Promise<ResponseOf<'models:verify'>> {
    return { results: await verifyInstalled(this.catalog(), effectiveModelsDir(await this.deps.settings())) };
  }

  /** Cancels running installs (app quit); each removes its staging folder. */
  close(): void {
    for (const ac of this.running.values()) ac.abort();
  }
}
