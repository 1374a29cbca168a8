// The one cache of loaded episode state that every domain service reads: identities.json as replayed
// from the journal, the reviewer constraints, the undo stacks and the episode's tracks and embeddings.
// An entry is valid while the stamps of identities.json + the journal (and of the pipeline outputs it
// was read from) are unchanged; any other writer (a second host, a re-run, a cleanup) changes them.
// Everything it loads comes through the review store (electron/store/review).
import { dirname } from 'node:path';
import type { History } from '../../shared/commands/history';
import { parseEpId } from '../../shared/episode';
import type { IdentitiesDoc, ReviewConstraints } from '../../shared/schema';
import { removeStaleTempFiles } from '../store/atomic';
import { commandContext, episodeStamp, findRedo, loadEpisodeData, recover, reviewFiles, withReviewLock, type EpisodeData } from '../store/review';
import { castPaths } from './cast-store';
import type { ServiceContext } from './context';
import type { CleanupState } from './review-cleanup';
import { fail, fileStamp, reviewStamp } from './review-views';

export interface EpisodeState extends CleanupState {
  doc: IdentitiesDoc;
  /** review_constraints.json as it matches `doc`. */
  constraints: ReviewConstraints;
  history: History;
  data: EpisodeData;
  /**
   * Stamps of identities.json and the journal when last read or written by us: a mismatch means
   * another writer (a host that journalled an edit and died before rewriting identities.json, too).
   */
  docStamp: string;
  /** Told to the reviewer with the next response (e.g. the cast library could not take an edit). */
  warnings: string[];
}

export class EpisodeCache {
  private readonly states = new Map<string, EpisodeState>();
  /** Warnings for an episode not loaded when they arose; handed to its state on the next load. */
  private readonly pending = new Map<string, string[]>();

  /** `afterLoad` runs on every (re)loaded state, before it is handed out. */
  constructor(
    private readonly ctx: ServiceContext,
    private readonly afterLoad: (epId: string, st: EpisodeState) => Promise<void>,
  ) {}

  /** The document as last loaded, without touching the disk (episode listings). */
  loadedDoc(epId: string): IdentitiesDoc | undefined {
    return this.states.get(epId)?.doc;
  }

  /** Tells the reviewer `message` with the episode's next response. */
  warn(epId: string, message: string): void {
    const st = this.states.get(epId);
    if (st) st.warnings.push(message);
    else this.pending.set(epId, [...(this.pending.get(epId) ?? []), message]);
  }

  /** Forgets the episode: the next read loads it from disk. */
  invalidate(epId: string): void {
    this.states.delete(epId);
  }

  /** Drops the cached state and loads it again (the caller holds the review lock). */
  reload(epId: string): Promise<EpisodeState> {
    this.invalidate(epId);
    return this.get(epId, true);
  }

  /**
   * Loaded state of an episode, (re)loading when identities.json or the pipeline outputs changed on
   * disk. A reload may replay the journal (a write), so it takes the cross-process review lock unless
   * the caller already holds it (`locked`).
   */
  async get(epId: string, locked = false): Promise<EpisodeState> {
    const ws = this.ctx.ws;
    const files = reviewFiles(ws, epId);
    if ((await fileStamp(files.identities)) === '-') fail('not_found', `episode ${epId} has no identities.json yet (run the pipeline first)`);
    const docStamp = await reviewStamp(files);
    const cached = this.states.get(epId);
    const dataStamp = await episodeStamp(ws, epId);
    if (cached && cached.docStamp === docStamp && cached.data.stamp === dataStamp) return cached;
    const data = cached && cached.data.stamp === dataStamp ? cached.data : await loadEpisodeData(ws, epId);
    // Temp files of writers that were killed (review edits, the cast library) would pile up forever.
    for (const dir of [files.dir, ws.abs(ws.paths(epId).embedsDir), dirname(ws.abs(castPaths(parseEpId(epId).show).json))]) await removeStaleTempFiles(dir);
    const load = () => recover(ws, epId, commandContext(data));
    const { doc, history, constraints } = locked ? await load() : await withReviewLock(ws, epId, load);
    const cleanupRedo = await findRedo(ws, epId);
    const warnings = [...(cached?.warnings ?? []), ...(this.pending.get(epId) ?? [])];
    this.pending.delete(epId);
    const st: EpisodeState = { doc, history, constraints, data, docStamp: await reviewStamp(files), cleanupRedo, warnings };
    this.states.set(epId, st);
    await this.afterLoad(epId, st);
    return st;
  }
}
