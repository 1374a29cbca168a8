// The cast-library and screen-time channels of ReviewService, kept out of review.ts so that file stays
// about review edits. The service hands in its plumbing (episode state, per-episode
// queue, error mapping, commit); the cast logic itself is in cast-library.ts and screentime.ts.
import { parseEpId } from '../../shared/episode';
import type { RequestOf, ResponseOf } from '../../shared/ipc';
import type { AnyCommand } from '../../shared/commands/schema';
import { identitiesDocSchema, type IdentitiesDoc } from '../../shared/schema';
import { readJson } from '../store/json';
import type { Workspace } from '../store/workspace';
import type { Suggestion } from '../../shared/cast';
import type { CastLibraryDoc } from '../../shared/schema/cast';
import type { StepOrigin } from '../../shared/commands/history';
import { withReviewLock } from '../store/review';
import { CastLibrary, type ApplyLabel } from './cast-library';
import { computeEpisodeScreenTime, exportEpisodeScreenTime } from './screentime';

/** Reference faces sent with each suggestion. */
const SUGGESTION_FACES = 4;

/** The library's people and their references, people with references first. */
function referencesOf(lib: CastLibraryDoc): ResponseOf<'cast:references'> {
  const people = lib.people.map((p) => ({
    person_id: p.person_id,
    name: p.name,
    references: lib.references
      .filter((r) => r.person_id === p.person_id)
      .map((r) => ({ ep_id: r.ep_id, identity_id: r.identity_id, track_id: r.track_id, face_crop: r.face_crop ?? '', faces: r.faces ?? null })),
  }));
  people.sort((a, b) => Number(b.references.length > 0) - Number(a.references.length > 0) || a.name.localeCompare(b.name));
  return { show: lib.show, people };
}

/** What ReviewCast needs from ReviewService; `S` is the service's loaded episode state. */
export interface ReviewCastHost<S extends { doc: IdentitiesDoc }> {
  ws: Workspace;
  epId(ep: string): string;
  guard<T>(fn: () => Promise<T>): Promise<T>;
  /** Runs after every earlier operation on the same episode. */
  serial<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /** `locked`: the caller holds the review lock. */
  state(epId: string, locked?: boolean): Promise<S>;
  reviewState(epId: string, st: S): ResponseOf<'review:apply'>;
  /** Applies and commits `command` (journal, identities.json; the undo stack only for a 'user' change); caller holds the review lock. */
  applyCommand(epId: string, st: S, command: AnyCommand, label: (described: string) => string, origin: StepOrigin): Promise<void>;
}

export class ReviewCast<S extends { doc: IdentitiesDoc }> {
  constructor(
    private readonly host: ReviewCastHost<S>,
    readonly library: CastLibrary,
  ) {}

  async getCastNames(req: RequestOf<'cast:names'>): Promise<ResponseOf<'cast:names'>> {
    const { ws } = this.host;
    const epId = this.host.epId(req.ep_id);
    const show = parseEpId(epId).show;
    return this.host.guard(async () => {
      const byPerson = new Map<string, { name: string; person_id: string; episodes: string[] }>();
      for (const ep of await ws.listEpisodes()) {
        if (ep.show !== show || ep.epId === epId) continue;
        const doc = await readJson(ws.abs(ws.paths(ep).identities), identitiesDocSchema).catch(() => null);
        for (const i of doc?.identities ?? []) {
          const name = i.labels.name;
          if (!name) continue;
          const person_id = i.labels.person_id ?? name.toLowerCase();
          const e = byPerson.get(person_id) ?? { name, person_id, episodes: [] };
          if (!e.episodes.includes(ep.epId)) e.episodes.push(ep.epId);
          byPerson.set(person_id, e);
        }
      }
      const names = [...byPerson.values()].sort((a, b) => b.episodes.length - a.episodes.length || a.name.localeCompare(b.name));
      return { names };
    });
  }

  async getScreenTime(req: RequestOf<'screentime:get'>): Promise<ResponseOf<'screentime:get'>> {
    const epId = this.host.epId(req.ep_id);
    return this.host.guard(() =>
      this.host.serial(epId, async () => computeEpisodeScreenTime(this.host.ws.root, epId, { identities: (await this.host.state(epId)).doc })),
    );
  }

  async exportScreenTime(req: RequestOf<'screentime:export'>): Promise<ResponseOf<'screentime:export'>> {
    const epId = this.host.epId(req.ep_id);
    return this.host.guard(() =>
      this.host.serial(epId, async () => {
        const r = await exportEpisodeScreenTime(this.host.ws.root, epId, { identities: (await this.host.state(epId)).doc });
        return { screentime: r.doc, json_path: r.jsonPath, csv_path: r.csvPath };
      }),
    );
  }

  private async suggestionsOf(epId: string, doc: IdentitiesDoc): Promise<ResponseOf<'cast:suggestions'>> {
    const { doc: lib } = await this.library.load(parseEpId(epId).show);
    const ranked = await this.library.suggestions(epId, { doc }).catch((err: NodeJS.ErrnoException) => {
      // No pooled embeddings yet (pipeline not past `pool`): nothing to compare, not an error.
      if (err.code === 'ENOENT') return {};
      throw err;
    });
    // A few reference faces per person (other episodes: the ones suggestions come from), to show
    // beside the candidate so the reviewer compares faces, not a number.
    const faces = new Map<string, { ep_id: string; crop: string }[]>();
    for (const r of lib.references) {
      const list = faces.get(r.person_id) ?? [];
      if (r.ep_id !== epId && r.face_crop && list.length < SUGGESTION_FACES) list.push({ ep_id: r.ep_id, crop: r.face_crop });
      faces.set(r.person_id, list);
    }
    // A labeled identity has its answer: suggesting another name there only invites a wrong relabel.
    const labeled = new Set(doc.identities.filter((i) => i.labels.name || i.labels.person_id).map((i) => i.identity_id));
    const suggestions = Object.fromEntries(
      Object.entries(ranked as Record<string, Suggestion[]>).map(([id, list]) => [
        id,
        labeled.has(id) ? [] : list.map((x) => ({ ...x, reference_faces: faces.get(x.person_id) ?? [] })),
      ]),
    );
    return {
      ep_id: epId, suggestions, auto_assign: lib.auto_assign,
      auto_assignments: lib.auto_assignments.filter((a) => a.ep_id === epId),
      library_references: lib.references.length,
    };
  }

  async getCastReferences(req: RequestOf<'cast:references'>): Promise<ResponseOf<'cast:references'>> {
    return this.host.guard(async () => referencesOf((await this.library.load(req.show)).doc));
  }

  async removeCastReference(req: RequestOf<'cast:remove-reference'>): Promise<ResponseOf<'cast:remove-reference'>> {
    return this.host.guard(async () => {
      const { person_id, ep_id, track_id } = req;
      return referencesOf((await this.library.removeReference(req.show, { person_id, ep_id, track_id })).doc);
    });
  }

  async getCastSuggestions(req: RequestOf<'cast:suggestions'>): Promise<ResponseOf<'cast:suggestions'>> {
    const epId = this.host.epId(req.ep_id);
    return this.host.guard(() => this.host.serial(epId, async () => this.suggestionsOf(epId, (await this.host.state(epId)).doc)));
  }

  rejectCastSuggestion(req: RequestOf<'cast:reject'>): Promise<ResponseOf<'cast:reject'>> {
    return this.rejection(req, (epId) => this.library.reject(epId, req.identity_id, req.person_id));
  }

  unrejectCastSuggestion(req: RequestOf<'cast:unreject'>): Promise<ResponseOf<'cast:unreject'>> {
    return this.rejection(req, (epId) => this.library.unreject(epId, req.identity_id, req.person_id));
  }

  /** Records or forgets a rejection, then answers the episode's suggestions as they now are. */
  private rejection(req: { ep_id: string }, change: (epId: string) => Promise<void>): Promise<ResponseOf<'cast:reject'>> {
    const epId = this.host.epId(req.ep_id);
    return this.host.guard(() =>
      this.host.serial(epId, async () => {
        await change(epId);
        return this.suggestionsOf(epId, (await this.host.state(epId)).doc);
      }),
    );
  }

  async importCastList(req: RequestOf<'cast:import'>): Promise<ResponseOf<'cast:import'>> {
    return this.host.guard(async () => {
      const r = await this.library.importCastList(req.show, req.people);
      return { ...r, people: await this.library.exportCastList(req.show) };
    });
  }

  async exportCastList(req: RequestOf<'cast:export'>): Promise<ResponseOf<'cast:export'>> {
    return this.host.guard(async () => ({ people: await this.library.exportCastList(req.show) }));
  }

  async setCastSettings(req: RequestOf<'cast:settings'>): Promise<ResponseOf<'cast:settings'>> {
    return this.host.guard(async () => this.library.setAutoAssign(req.show, req.auto_assign ?? {}));
  }

  /**
   * A label command from the cast library: journalled (a crash replays it) but automatic, so it never
   * lands on the reviewer's undo stack. It is undone by cast:undo-auto-assign, which is automatic too.
   */
  private labelFrom(st: S, prefix: string): ApplyLabel {
    return (epId, identityId, label) => {
      const command = { op: 'label', identity_id: identityId, name: label?.name ?? null, ...(label ? { person_id: label.person_id } : {}) } as const;
      return this.host.applyCommand(epId, st, command, (d) => `${prefix}: ${d}`, 'auto');
    };
  }

  /**
   * Runs `fn` the way every review edit runs: queued behind this host's other operations on the episode
   * and holding the cross-process review lock, on state re-read under that lock — so a second host
   * writing the same episode cannot interleave revisions, and each label is journalled before
   * identities.json changes (a crash replays it on the next open).
   */
  private edit<T>(epId: string, fn: (st: S) => Promise<T>): Promise<T> {
    return this.host.guard(() => this.host.serial(epId, () => withReviewLock(this.host.ws, epId, async () => fn(await this.host.state(epId, true)))));
  }

  async autoAssignCast(req: RequestOf<'cast:auto-assign'>): Promise<ResponseOf<'cast:auto-assign'>> {
    const epId = this.host.epId(req.ep_id);
    // The first suggestion pass over an episode is the slow part (all track × reference pairs). Doing it
    // before taking the lock fills the library's per-track cache, so the pass under the lock is a cheap
    // re-rank and the lock is never held (unrefreshed) through a long computation.
    const { doc: lib } = await this.host.guard(() => this.library.load(parseEpId(epId).show));
    if (lib.auto_assign.enabled) {
      await this.host.guard(() => this.host.serial(epId, async () => this.library.suggestions(epId, { doc: (await this.host.state(epId)).doc }))).catch(() => undefined);
    }
    return this.edit(epId, async (st) => {
      const assigned = await this.library.autoAssign(epId, this.labelFrom(st, 'Auto-assign'), st.doc);
      return { assigned, state: this.host.reviewState(epId, st) };
    });
  }

  async undoAutoAssign(req: RequestOf<'cast:undo-auto-assign'>): Promise<ResponseOf<'cast:undo-auto-assign'>> {
    const epId = this.host.epId(req.ep_id);
    return this.edit(epId, async (st) => {
      const undone = await this.library.undoAutoAssignment(epId, req.identity_id, this.labelFrom(st, 'Undo auto-assign'));
      return { undone, state: this.host.reviewState(epId, st) };
    });
  }
}
