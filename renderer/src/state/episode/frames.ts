// The faces of one analysed frame, asked of the service when "show in frame" opens (the frame viewer
// draws them faintly around the face it shows). Nothing is kept: the dialog holds what it asked for.
import type { ResponseOf } from '../../../../shared/ipc';
import type { SliceContext } from '../appState';

export type FrameFace = ResponseOf<'frame:faces'>['faces'][number];

interface FramesActions {
  /** Every face detected on frame `frameIdx` of `epId`; [] when the service cannot say (no detections, an error). */
  frameFaces: (epId: string, frameIdx: number) => Promise<FrameFace[]>;
}

export type FramesSlice = FramesActions;

const actions = ({ deps }: SliceContext): FramesActions => ({
  frameFaces: async (epId, frameIdx) => {
    try {
      return (await deps.api().getFrameFaces({ ep_id: epId, frame_idx: frameIdx })).faces;
    } catch {
      return [];
    }
  },
});

export const framesSlice = { initialState: {}, actions };
