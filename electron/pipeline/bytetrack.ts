// ByteTrack (Zhang et al., 2022) following the reference BYTETracker.update: Kalman prediction,
// a first IoU association of high-score detections (score-fused cost, gate matchThresh), a second
// association of the still-unmatched tracked tracks with low-score detections (gate 0.5), unconfirmed
// tracks matched against the rest (gate 0.7), new tracks from detections ≥ newTrackThresh, and lost
// tracks dropped after trackBuffer analysed frames. Hand-written because no maintained JS ByteTrack
// exists; the linear assignment comes from `linear-sum-assignment` (Jonker–Volgenant).
// Pure: no I/O; boxes in any consistent coordinate space (the pipeline uses pixels).
import { linearSumAssignment } from 'linear-sum-assignment';
import { initiate, predict, toTlbr, toXyah, update, type KalmanState } from './kalman';
import { iou } from '../../shared/geometry';

export interface TrackerOptions {
  trackThresh: number;
  matchThresh: number;
  trackBuffer: number;
  newTrackThresh: number;
}

/** Lowest score ByteTrack still uses in the second association (reference: 0.1). */
const LOW_SCORE_MIN = 0.1;
const SECOND_MATCH_THRESH = 0.5;
const UNCONFIRMED_MATCH_THRESH = 0.7;

export interface TrackerDetection {
  bbox: [number, number, number, number];
  score: number;
}

enum State { Tracked, Lost, Removed }

interface STrack {
  /** Internal id (creation order); public ids are assigned at the end. */
  uid: number;
  kf: KalmanState;
  state: State;
  activated: boolean;
  lastFrame: number;
  /** Indices into the per-frame detection list, as [frameSeq, detIndex]. */
  members: Array<[number, number]>;
}


/** Optimal assignment under a cost gate; returns matched pairs and the unmatched of each side. */
function assign(cost: number[][], nRows: number, nCols: number, thresh: number) {
  const matches: Array<[number, number]> = [];
  const rowUsed = new Array<boolean>(nRows).fill(false);
  const colUsed = new Array<boolean>(nCols).fill(false);
  if (nRows > 0 && nCols > 0) {
    // Costs above the gate are made prohibitive so the solver prefers leaving them unmatched.
    const gated = cost.map((row) => row.map((c) => (c > thresh ? 1e6 : c)));
    const { rowAssignments } = linearSumAssignment(gated, { maximaze: false });
    for (let r = 0; r < nRows; r++) {
      const c = rowAssignments[r];
      if (c >= 0 && cost[r][c] <= thresh) {
        matches.push([r, c]);
        rowUsed[r] = true;
        colUsed[c] = true;
      }
    }
  }
  return {
    matches,
    unmatchedRows: rowUsed.flatMap((u, i) => (u ? [] : [i])),
    unmatchedCols: colUsed.flatMap((u, i) => (u ? [] : [i])),
  };
}

export interface TrackerFrameResult {
  /** For each detection of the frame, the internal uid of the track it joined, or -1. */
  assignment: number[];
}

export class ByteTracker {
  private tracks: STrack[] = [];
  private nextUid = 1;
  private frameSeq = 0;
  private framesSinceReset = 0;
  /** Every track ever created (internal), for the final report. */
  readonly all: STrack[] = [];
  /** Tracks ended since the last takeEnded(): none of them gets another member. */
  private ended: STrack[] = [];

  constructor(private readonly opts: TrackerOptions) {}

  /** A scene cut: every current track ends; the next frame starts fresh. */
  reset(): void {
    for (const t of this.tracks) t.state = State.Removed;
    this.ended.push(...this.tracks);
    this.tracks = [];
    this.framesSinceReset = 0;
  }

  update(dets: TrackerDetection[]): TrackerFrameResult {
    const seq = this.frameSeq++;
    const first = this.framesSinceReset++ === 0;
    const assignment = new Array<number>(dets.length).fill(-1);
    const high: number[] = [];
    const low: number[] = [];
    dets.forEach((d, i) => {
      if (d.score >= this.opts.trackThresh) high.push(i);
      else if (d.score > LOW_SCORE_MIN) low.push(i);
    });

    const confirmed = this.tracks.filter((t) => t.activated);
    const unconfirmed = this.tracks.filter((t) => !t.activated);
    const pool = confirmed; // tracked + lost (both are in this.tracks until removed)
    for (const t of this.tracks) t.kf = predict(t.kf, t.state !== State.Tracked);

    const join = (t: STrack, di: number) => {
      t.kf = update(t.kf, toXyah(dets[di].bbox));
      t.state = State.Tracked;
      t.activated = true;
      t.lastFrame = seq;
      t.members.push([seq, di]);
      assignment[di] = t.uid;
    };

    // 1. high-score detections vs tracked + lost, cost = 1 − IoU·score (ByteTrack's fuse_score)
    const cost1 = pool.map((t) => high.map((di) => 1 - iou(toTlbr(t.kf.mean), dets[di].bbox) * dets[di].score));
    const a1 = assign(cost1, pool.length, high.length, this.opts.matchThresh);
    for (const [r, c] of a1.matches) join(pool[r], high[c]);

    // 2. remaining *tracked* tracks vs low-score detections, plain IoU
    const rest = a1.unmatchedRows.map((r) => pool[r]).filter((t) => t.state === State.Tracked);
    const cost2 = rest.map((t) => low.map((di) => 1 - iou(toTlbr(t.kf.mean), dets[di].bbox)));
    const a2 = assign(cost2, rest.length, low.length, SECOND_MATCH_THRESH);
    for (const [r, c] of a2.matches) join(rest[r], low[c]);
    for (const r of a2.unmatchedRows) rest[r].state = State.Lost;

    // 3. unconfirmed (born last frame) vs the high detections nobody took
    const leftHigh = a1.unmatchedCols.map((c) => high[c]);
    const cost3 = unconfirmed.map((t) => leftHigh.map((di) => 1 - iou(toTlbr(t.kf.mean), dets[di].bbox) * dets[di].score));
    const a3 = assign(cost3, unconfirmed.length, leftHigh.length, UNCONFIRMED_MATCH_THRESH);
    for (const [r, c] of a3.matches) join(unconfirmed[r], leftHigh[c]);
    for (const r of a3.unmatchedRows) unconfirmed[r].state = State.Removed;

    // 4. new tracks; only confirmed on their second hit, except on the first frame of a scene
    for (const c of a3.unmatchedCols) {
      const di = leftHigh[c];
      if (dets[di].score < this.opts.newTrackThresh) continue;
      const t: STrack = {
        uid: this.nextUid++,
        kf: initiate(toXyah(dets[di].bbox)),
        state: State.Tracked,
        activated: first,
        lastFrame: seq,
        members: [[seq, di]],
      };
      assignment[di] = t.uid;
      this.tracks.push(t);
      this.all.push(t);
    }

    for (const t of this.tracks) {
      if (t.state === State.Lost && seq - t.lastFrame > this.opts.trackBuffer) t.state = State.Removed;
    }
    this.ended.push(...this.tracks.filter((t) => t.state === State.Removed));
    this.tracks = this.tracks.filter((t) => t.state !== State.Removed);
    return { assignment };
  }

  /**
   * Tracks that ended (lost too long, unconfirmed and unmatched, or a scene cut) since the last call,
   * with `all` also every track still running: their members are final, so a caller streaming over
   * the video can finish their work without waiting for the end. `confirmed` = ever confirmed.
   */
  takeEnded(all = false): Array<{ uid: number; members: Array<[number, number]>; confirmed: boolean }> {
    const out = all ? [...this.ended, ...this.tracks] : this.ended;
    this.ended = [];
    return out.map((t) => ({ uid: t.uid, members: t.members, confirmed: t.activated }));
  }

  /** Tracks that were ever confirmed, each with its [frameSeq, detIndex] members in order. */
  confirmedTracks(): Array<{ uid: number; members: Array<[number, number]>; aliveAtEnd: boolean }> {
    const alive = new Set(this.tracks.filter((t) => t.state === State.Tracked).map((t) => t.uid));
    return this.all
      .filter((t) => t.activated)
      .map((t) => ({ uid: t.uid, members: t.members, aliveAtEnd: alive.has(t.uid) }));
  }
}
