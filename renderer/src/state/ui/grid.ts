// Grid preferences slice: how large faces are drawn (cards and track face strips), kept across reloads
// in localStorage, and the face shown large (zoom). The view turns the size into CSS variables.
import type { SliceContext } from '../appState';
import type { DetailTrack, IdentityCardModel } from '../episode/selectors';
import { formatSeconds } from '../../format';

export type FaceSize = 'S' | 'M' | 'L';
export const FACE_SIZES: readonly FaceSize[] = ['S', 'M', 'L'];

/** Pixels per size: the card's face (at least; cards stretch to fill the row) and a track strip's crops. */
export const FACE_PX: Record<FaceSize, { card: number; crop: number }> = {
  S: { card: 96, crop: 64 },
  M: { card: 160, crop: 96 },
  L: { card: 240, crop: 144 },
};

/** A face shown large: the image, what it is, and the element it belongs to (to place the box beside it). */
export interface Zoom {
  ref: string;
  title: string;
  details: string[];
  /** CSS selector of the element the zoom belongs to. */
  anchor: string;
}

interface GridPrefsState {
  faceSize: FaceSize;
  zoom: Zoom | null;
}

interface GridPrefsActions {
  setFaceSize: (size: FaceSize) => void;
  /** One size up (+1) or down (-1), staying within S…L. */
  stepFaceSize: (delta: 1 | -1) => void;
  setZoom: (zoom: Zoom | null) => void;
}

export type GridPrefsSlice = GridPrefsState & GridPrefsActions;

const STORAGE_KEY = 'screenalytics.faceSize';

/** localStorage where there is one (the browser); the store also runs under Node, without it. */
interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

function storage(): KeyValueStore | null {
  try {
    return (globalThis as { localStorage?: KeyValueStore }).localStorage ?? null;
  } catch {
    // A sandboxed page may refuse access to storage: the size then lasts for the session only.
    return null;
  }
}

function storedSize(): FaceSize {
  const v = storage()?.getItem(STORAGE_KEY);
  return FACE_SIZES.includes(v as FaceSize) ? (v as FaceSize) : 'M';
}

const actions = ({ set, get }: SliceContext): GridPrefsActions => ({
  setFaceSize: (faceSize) => {
    set({ faceSize });
    storage()?.setItem(STORAGE_KEY, faceSize);
  },
  stepFaceSize: (delta) => {
    const i = FACE_SIZES.indexOf(get().faceSize) + delta;
    get().setFaceSize(FACE_SIZES[Math.max(0, Math.min(FACE_SIZES.length - 1, i))]);
  },
  setZoom: (zoom) => set({ zoom }),
});

export const gridPrefsSlice = {
  get initialState(): GridPrefsState {
    return { faceSize: storedSize(), zoom: null };
  },
  actions,
};

const frameOf = (ref: string) => {
  const m = /frame_(\d+)\.jpg$/.exec(ref);
  return m ? Number(m[1]) : null;
};

/** The card's cover, large: whose it is and, for a face crop, its track and frame. */
export function zoomOfCard(card: IdentityCardModel): Zoom {
  const track = /^crops\/(track-\d+)\//.exec(card.thumbRef)?.[1];
  const frame = frameOf(card.thumbRef);
  return {
    ref: card.thumbRef,
    title: card.name ?? 'Unnamed',
    details: [card.id, track && frame !== null ? `cover: ${track}, frame ${frame}` : 'cover'],
    anchor: `[data-testid="identity-card"][data-identity-id="${card.id}"]`,
  };
}

/** A face of a track, large: its time in the episode (the track's frames are evenly spaced in time) and the track's quality. */
export function zoomOfFace(t: DetailTrack, index: number): Zoom | null {
  const f = t.face_rows[index];
  if (!f?.crop_path) return null;
  const frame = frameOf(f.crop_path);
  const [f0, f1] = t.frame_span;
  const at = frame === null ? null : f1 > f0 ? t.start_s + ((frame - f0) / (f1 - f0)) * (t.end_s - t.start_s) : t.start_s;
  return {
    ref: f.crop_path,
    title: f.face_id,
    details: [
      `${t.track_id}${frame === null ? '' : `, frame ${frame}`}`,
      ...(at === null ? [] : [`at ${formatSeconds(at)}`]),
      ...(t.quality == null ? [] : [`track quality ${t.quality.toFixed(2)}`]),
      ...(f.rejected ? ['rejected'] : []),
    ],
    anchor: `[data-testid="face"][data-face-id="${f.face_id}"]`,
  };
}
