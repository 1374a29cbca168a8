// The labelled photos the default pack is measured on (../shared/eval/faces), shared by
// `npm run eval:models`, the bench and the tests.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { EVAL_DIR } from '../eval-pack';
import type { RgbImage } from '../types';

export { EVAL_DIR };

/** SOURCES.md: no face above 0.5, or more than one person — not usable as "one face per photo". */
export const NOT_SINGLE_FACE = new Set([
  'celeb-ben-affleck/16.jpg', 'celeb-elton-john/9.jpg', 'celeb-jerry-seinfeld/13.jpg', 'celeb-jerry-seinfeld/16.jpg',
  'celeb-jerry-seinfeld/25.jpg', 'deepface-p04/4.jpg', 'deepface-p06/3.jpg', 'deepface-p06/5.jpg',
]);

/** Every single-face photo of the non-ref identities (185 of 24 identities), in a stable order. */
export function evalPhotos(): { file: string; label: string }[] {
  const dir = join(EVAL_DIR, 'faces');
  const out: { file: string; label: string }[] = [];
  for (const label of readdirSync(dir).sort()) {
    if (label.startsWith('ref-')) continue;
    for (const f of readdirSync(join(dir, label)).sort((a, b) => parseInt(a) - parseInt(b))) {
      if (!NOT_SINGLE_FACE.has(`${label}/${f}`)) out.push({ file: join(dir, label, f), label });
    }
  }
  return out;
}

/** Decodes a photo (EXIF orientation applied) to packed RGB. */
export async function readRgb(file: string): Promise<RgbImage> {
  const { data, info } = await sharp(file).rotate().removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}
