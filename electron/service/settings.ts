// settings:get / settings:set: the workspace's saved run settings, in the workspace's one settings home
// (store/settings.ts, which the CLI and queue workers read too), validated and written atomically.
import type { RequestOf, Settings } from '../../shared/ipc';
import { readSettingsFile, settingsFile, writeSettingsFile } from '../store/settings';
import type { ServiceContext } from './context';

export class SettingsService {
  /** `path`: where settings persist (default: the workspace's home); `formerPath`: see readSettingsFile. */
  constructor(
    private readonly ctx: ServiceContext,
    private readonly path?: string,
    private readonly formerPath?: string,
  ) {}

  private settingsPath(): string {
    return this.path ?? settingsFile(this.ctx.ws.root);
  }

  async getSettings(_req: RequestOf<'settings:get'> = {}): Promise<Settings> {
    return this.ctx.guard(() => readSettingsFile(this.settingsPath(), this.formerPath));
  }

  async setSettings(req: RequestOf<'settings:set'>): Promise<Settings> {
    return this.writeSettings(req);
  }

  /** settings:set, and the service's own writes (the model installer may also set modelsDir). */
  writeSettings(patch: Partial<Settings>): Promise<Settings> {
    return this.ctx.guard(() =>
      this.ctx.serial('settings', async () => {
        const cur = await this.getSettings({});
        return writeSettingsFile(this.settingsPath(), { ...cur, ...patch });
      }),
    );
  }
}
