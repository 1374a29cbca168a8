// Which catalogue packs are installed in a models folder: one receipt per pack,
// <modelsDir>/.installed/<id>.json, written atomically after the pack's files are in place.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { modelFiles } from '../../../shared/layout';
import { readJson, writeJson } from '../../store/json';

export const receiptSchema = z.strictObject({
  pack: z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/),
  installed_at: z.string(),
  commercial_use: z.boolean(),
  /** Each file as installed: its manifest key, name in the models folder, and the sha256 it had. */
  files: z.array(z.strictObject({ key: z.string(), path: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/), pinned: z.boolean() })),
});
export type Receipt = z.infer<typeof receiptSchema>;

export async function writeReceipt(modelsDir: string, r: Receipt): Promise<void> {
  await writeJson(join(modelsDir, modelFiles.receipt(r.pack)), r, receiptSchema);
}

/** Every valid receipt in the folder; a damaged one makes its pack read as not installed. */
export async function readReceipts(modelsDir: string): Promise<Receipt[]> {
  const dir = join(modelsDir, modelFiles.receiptsDir);
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).sort();
  const out: Receipt[] = [];
  for (const n of names) {
    const r = await readJson(join(dir, n), receiptSchema).catch(() => null);
    if (r && modelFiles.receipt(r.pack) === `${modelFiles.receiptsDir}/${n}`) out.push(r);
  }
  return out;
}
