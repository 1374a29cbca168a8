// settings:get / settings:set: the workspace's saved run settings (validated, written atomically).
import { DEFAULT_SETTINGS, settingsSchema, type RequestOf, type Settings } from '../../shared/ipc';
import { readJson, writeJson } from '../store/json';
import type { ServiceContext } from './context';
import { fileStamp } from './review-views';
import { workspaceFiles } from '../../shared/layout';

export class SettingsService {
  /** `path`: where settings persist; default `<workspace>/.screenalytics/settings.json`. */
  constructor(
    private readonly ctx: ServiceContext,
    private readonly path?: string,
  ) {}

  private settingsPath(): string {
    return this.path ?? this.ctx.ws.abs(workspaceFiles.settings);
  }

  async getSettings(_req: RequestOf<'settings:get'> = {}): Promise<Settings> {
    return this.ctx.guard(async () => {
      const path = this.settingsPath();
      if ((await fileStamp(path)) === '-') return DEFAULT_SETTINGS;
      return readJson(path, settingsSchema);
    });
  }

  async setSettings(req: RequestOf<'settings:set'>): Promise<Settings> {
    return this.writeSettings(req);
  }

  /** settings:set, and the service's own writes (the model installer may also set modelsDir). */
  writeSettings(patch: Partial<Settings>): Promise<Settings> {
    return this.ctx.guard(() =>
      this.ctx.serial('settings', async () => {
        const cur = await this.getSettings({});
        return writeJson(this.settingsPath(), { ...cur, ...patch }, settingsSchema);
      }),
    );
  }
}
