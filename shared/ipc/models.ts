// Model installer channels (Settings → Models). The service side is electron/service/models.ts over
// electron/models/install/. An install runs in the background: models:install answers at once and
// models:progress reports until a final state.
import { z } from 'zod';
import { nonNegInt } from '../schema/common';
import type { ContractTable } from './core';

const packId = z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/, 'a pack id');

export const installablePackSchema = z.strictObject({
  id: packId,
  name: z.string(),
  summary: z.string(),
  licence: z.string(),
  licence_text: z.string(),
  licence_notes: z.string(),
  commercial_use: z.boolean(),
  download_bytes: nonNegInt,
  unknown_sizes: nonNegInt,
  unpinned: z.array(z.string()),
  hash_status: z.record(z.string(), z.string()),
  installed: z.boolean(),
  installed_at: z.string().nullable(),
});
export type InstallablePackInfo = z.infer<typeof installablePackSchema>;

export const modelsProgressSchema = z.strictObject({
  pack_id: packId,
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  stage: z.enum(['download', 'extract', 'verify', 'install', 'done']),
  file: z.string(),
  /** Bytes downloaded / to download. */
  done: nonNegInt,
  total: nonNegInt,
  rate: z.number().nullable(),
  eta: z.number().nullable(),
  /** On failure: what went wrong, and its kind (offline, mismatch, truncated, disk-full, …). */
  message: z.string().optional(),
  code: z.string().optional(),
});
export type ModelsProgress = z.infer<typeof modelsProgressSchema>;

export const modelsContract = {
  listModels: {
    channel: 'models:list',
    request: z.strictObject({}),
    response: z.strictObject({
      /** Where installs go: the modelsDir setting, else the app's own models folder. */
      models_dir: z.string(),
      /** Mirror base URL replacing the catalogue's URLs (SCREENALYTICS_MODELS_MIRROR), or null. */
      mirror: z.string().nullable(),
      packs: z.array(installablePackSchema),
      /** Every pack a run can use (settings packId), and whether its files are present. */
      selectable: z.array(z.strictObject({ id: packId, name: z.string(), available: z.boolean() })),
      /** Installs running now. */
      installing: z.array(packId),
    }),
  },
  installModel: {
    channel: 'models:install',
    request: z.strictObject({ pack_id: packId, allow_unpinned: z.boolean().default(false), make_default: z.boolean().default(false) }),
    response: z.strictObject({ pack_id: packId, started: z.boolean() }),
  },
  cancelModelInstall: { channel: 'models:cancel', request: z.strictObject({ pack_id: packId }), response: z.strictObject({ cancelled: z.boolean() }) },
  removeModel: {
    channel: 'models:remove',
    request: z.strictObject({ pack_id: packId }),
    response: z.strictObject({ removed: z.array(z.string()), kept: z.array(z.string()), default_pack: z.string() }),
  },
  verifyModels: {
    channel: 'models:verify',
    request: z.strictObject({}),
    response: z.strictObject({ results: z.array(z.strictObject({ pack: z.string(), ok: z.boolean(), problems: z.array(z.string()) })) }),
  },
} as const satisfies ContractTable;

export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)} kB`;
  return `${n} B`;
}
