// The cast library of each show: data/cast/<show>/cast.json + cast_embeddings.npy (schema and
// format in shared/schema/cast.ts). Labeled identities feed it their tracks' pooled embeddings; new
// episodes get ranked label suggestions from it (shared/cast.ts). Writes go through the store
// (validated, atomic) and are serialised per show, across processes too, so two edits cannot interleave.
import { parseEpId } from '../../shared/episode';
import {
  DEFAULT_TOP_K, planAutoAssign, prepareCast, rankFromTrackTopK, trackTopK,
  type CastPersonRefs, type PlannedAssignment, type PreparedCast, type Suggestion, type SuggestOptions, type TrackTopK,
} from '../../shared/cast';
import { slugifyName } from '../../shared/screentime';
import {
  castListExportSchema, castListSchema,
  type AutoAssignment, type AutoAssignSettings, type CastReference,
} from '../../shared/schema/cast';
import { embeddingsMetaSchema, type EmbeddingsMeta } from '../../shared/schema/faces';
import { identitiesDocSchema, type IdentitiesDoc, type Identity } from '../../shared/schema/identities';
import { StoreError } from '../store/errors';
import { readJson } from '../store/json';
import { readNpy } from '../store/npy';
import { withLockFile } from '../store/review';
import type { Workspace } from '../store/workspace';
import { batchTrackTopK, capReferences } from './cast-batch';
import { castPaths, readCastPair, writeCastPair, type CastLibraryState } from './cast-store';
import { confirmedReferences, removedKey } from './cast-references';

export type { CastLibraryState } from './cast-store';
export { castPaths };

/** Labels an identity (null clears it); the ReviewService passes one that goes through its journal. */
export type ApplyLabel = (epId: string, identityId: string, label: { person_id: string; name: string } | null) => Promise<void>;

const nowIso = () => new Date().toISOString();

const labelOf = (i: Identity) => {
  const name = i.labels?.name;
  const person_id = i.labels?.person_id ?? (name ? slugifyName(name) : undefined);
  return person_id ? { person_id, name: name ?? person_id } : null;
};

export class CastLibrary {
  private queues = new Map<string, Promise<unknown>>();
  private topKCache = new Map<string, { sig: string; prepared: PreparedCast; perTrack: Map<string, TrackTopK> }>();

  constructor(private readonly ws: Workspace) {}

  /**
   * Runs `fn` after every earlier write of the same show in this process has finished, holding the
   * show's cross-process lock: the app, `screenalytics serve` and the CLI may all sync the same show.
   */
  private serial<T>(show: string, fn: () => Promise<T>): Promise<T> {
    const locked = () => withLockFile(this.ws.abs(castPaths(show).lock), `the cast library of ${show}`, fn);
    const prev = this.queues.get(show) ?? Promise.resolve();
    const next = prev.then(locked, locked);
    this.queues.set(show, next.catch(() => undefined));
    return next;
  }

  /**
   * The show's library. A pair left disagreeing by an interrupted save is repaired (previous npy, or
   * rows rebuilt from the episodes) and the repair written back, queued behind this show's writes.
   */
  async load(show: string): Promise<CastLibraryState> {
    const r = await readCastPair(this.ws, show);
    if (!r.repaired) return r.state;
    return this.serial(show, async () => {
      const again = await readCastPair(this.ws, show);
      return again.repaired ? writeCastPair(this.ws, again.state) : again.state;
    });
  }

  /** Load → fn → save, serialised per show; `fn` returning the state it was given means "no change". */
  private update(show: string, fn: (s: CastLibraryState) => CastLibraryState | Promise<CastLibraryState>): Promise<CastLibraryState> {
    return this.serial(show, async () => {
      const { state: cur, repaired } = await readCastPair(this.ws, show);
      const next = await fn(cur);
      return next === cur && !repaired ? cur : writeCastPair(this.ws, next);
    });
  }

  private async episodeInputs(epId: string, doc?: IdentitiesDoc) {
    const paths = this.ws.paths(epId);
    const identities = doc ?? (await readJson(this.ws.abs(paths.identities), identitiesDocSchema));
    const meta: EmbeddingsMeta = await readJson(this.ws.abs(paths.embeddingsMeta), embeddingsMetaSchema);
    const npyPath = this.ws.abs(paths.trackEmbeddingsNpy);
    const npy = await readNpy(npyPath, { requireFinite: true });
    if (npy.shape.length !== 2 || npy.shape[0] !== meta.track_order.length || npy.shape[1] !== meta.embedding_dim) {
      throw new StoreError({ file: npyPath, field: 'shape', message: `is (${npy.shape.join(', ')}) but embeddings_meta.json says (${meta.track_order.length}, ${meta.embedding_dim})` });
    }
    const dim = meta.embedding_dim;
    const rowOf = new Map(meta.track_order.map((t, i) => [t, i]));
    const trackEmbedding = (trackId: string) => {
      const r = rowOf.get(trackId);
      return r === undefined ? undefined : npy.data.subarray(r * dim, (r + 1) * dim);
    };
    return { identities, meta, trackEmbedding };
  }

  /**
   * Makes the library's references from `epId` match its confirmed identities: only locked, labeled
   * identities teach it, and only through their faces consistent with the identity (cast-references.ts),
   * so an auto-label or a track that drifted onto someone else never becomes a reference. References a
   * reviewer removed stay out. Pass the in-memory document when the caller has a newer one than
   * identities.json.
   */
  async syncEpisode(epId: string, doc?: IdentitiesDoc): Promise<{ references: number; people: number }> {
    const { show } = parseEpId(epId);
    // No pooled embeddings yet (pipeline not past pooling): nothing to add, and nothing to fail.
    const inputs = await this.episodeInputs(epId, doc).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    if (!inputs) return { references: 0, people: (await this.load(show)).doc.people.length };
    const { identities, meta, trackEmbedding } = inputs;
    const removed = new Set((await this.load(show)).doc.removed_references.map((r) => removedKey(r.person_id, r.ep_id, r.track_id)));
    const confirmed = await confirmedReferences(this.ws, epId, identities, labelOf, trackEmbedding, removed);
    const state = await this.update(show, (s) => {
      const lib = structuredClone(s.doc);
      if (lib.model_id && lib.model_id !== meta.model_id) {
        throw new Error(`cast library of ${show} holds ${lib.model_id} embeddings; ${epId} was embedded with ${meta.model_id}`);
      }
      const keep = lib.references.map((r, i) => [r, s.embeddings[i]] as const).filter(([r]) => r.ep_id !== epId);
      const now = nowIso();
      const gone = new Set(lib.removed_references.map((r) => removedKey(r.person_id, r.ep_id, r.track_id)));
      const added: (readonly [CastReference, Float32Array])[] = [];
      for (const c of confirmed) {
        if (gone.has(removedKey(c.ref.person_id, epId, c.ref.track_id))) continue;
        if (!lib.people.some((p) => p.person_id === c.label.person_id)) lib.people.push({ ...c.label, added_at: now });
        added.push([{ ...c.ref, added_at: now }, c.embedding]);
      }
      const all = [...keep, ...added];
      // Syncing runs after every review edit; skip the write when this episode's references are unchanged.
      const key = (r: CastReference) => `${r.person_id}|${r.identity_id}|${r.track_id}|${r.face_crop ?? ''}|${r.faces ?? ''}`;
      const before = lib.references.map((r, i) => [r, s.embeddings[i]] as const).filter(([r]) => r.ep_id === epId);
      const same = before.length === added.length && before.every(([r, e], i) => key(r) === key(added[i][0]) && e.every((v, j) => v === added[i][1][j]));
      if (same && lib.people.length === s.doc.people.length) return s;
      lib.references = all.map(([r]) => r);
      if (all.length) {
        lib.model_id = meta.model_id;
        lib.embedding_dim = meta.embedding_dim;
      }
      return { doc: lib, embeddings: all.map(([, e]) => e) };
    });
    return { references: state.doc.references.filter((r) => r.ep_id === epId).length, people: state.doc.people.length };
  }

  /**
   * Ranked suggestions for every identity of `epId`, from references of OTHER episodes (an episode's
   * own labels would only echo back). Rejected people and the identity's current person are left out.
   */
  async suggestions(epId: string, opts: SuggestOptions & { doc?: IdentitiesDoc } = {}): Promise<Record<string, Suggestion[]>> {
    const { show } = parseEpId(epId);
    const { doc: lib, embeddings } = await this.load(show);
    const out: Record<string, Suggestion[]> = {};
    const hasRefs = lib.references.some((r) => r.ep_id !== epId);
    const { identities, meta, trackEmbedding } = await this.episodeInputs(epId, opts.doc);
    if (!hasRefs || lib.model_id !== meta.model_id || lib.embedding_dim !== meta.embedding_dim) {
      for (const i of identities.identities) out[i.identity_id] = [];
      return out;
    }
    const topK = opts.topK ?? DEFAULT_TOP_K;
    const others = lib.references.map((r, i) => [r, i] as const).filter(([r]) => r.ep_id !== epId);
    // Per-track top-k lists depend only on the tracks' embeddings and the other episodes' references,
    // so they survive every review edit of this episode (which re-asks for suggestions each time).
    const sig = [meta.model_id, meta.created_at, topK, lib.people.map((p) => `${p.person_id}=${p.name}`).join(','), others.map(([r]) => `${r.person_id}:${r.ep_id}:${r.track_id}`).join(',')].join('|');
    let cached = this.topKCache.get(epId);
    if (!cached || cached.sig !== sig) {
      const cast: CastPersonRefs[] = lib.people.map((p) => ({
        person_id: p.person_id,
        name: p.name,
        embeddings: capReferences(others.filter(([r]) => r.person_id === p.person_id).map(([, i]) => embeddings[i])),
      }));
      cached = { sig, prepared: prepareCast(cast), perTrack: new Map() };
      this.topKCache.set(epId, cached);
    }
    const { prepared, perTrack } = cached;
    // First pass over the episode: every uncached track in one MatMul instead of one JS loop per track.
    const todo = [...new Set(identities.identities.flatMap((i) => i.track_ids))].filter((t) => !perTrack.has(t) && trackEmbedding(t));
    if (todo.length) (await batchTrackTopK(todo.map((t) => trackEmbedding(t)!), prepared, topK)).forEach((l, i) => perTrack.set(todo[i], l));
    const topKOf = (trackId: string): TrackTopK | undefined => {
      let t = perTrack.get(trackId);
      if (!t) {
        const e = trackEmbedding(trackId);
        if (!e) return undefined;
        perTrack.set(trackId, (t = trackTopK(e, prepared, topK)));
      }
      return t;
    };
    for (const ident of identities.identities) {
      const exclude = new Set(lib.rejections.filter((r) => r.ep_id === epId && r.identity_id === ident.identity_id).map((r) => r.person_id));
      const current = labelOf(ident);
      if (current) exclude.add(current.person_id);
      for (const x of opts.exclude ?? []) exclude.add(x);
      const lists = ident.track_ids.map(topKOf).filter((t): t is TrackTopK => t !== undefined);
      out[ident.identity_id] = rankFromTrackTopK(lists, prepared, { ...opts, topK, exclude });
    }
    return out;
  }

  /** Remembers that `personId` is not `identityId` of `epId`: it is never suggested for it again. */
  async reject(epId: string, identityId: string, personId: string): Promise<void> {
    await this.update(parseEpId(epId).show, (s) => {
      const doc = structuredClone(s.doc);
      if (!doc.rejections.some((r) => r.ep_id === epId && r.identity_id === identityId && r.person_id === personId)) {
        doc.rejections.push({ ep_id: epId, identity_id: identityId, person_id: personId, rejected_at: nowIso() });
      }
      return { doc, embeddings: s.embeddings };
    });
  }

  /** Forgets a rejection (the reviewer took the "no" back): the person may be suggested for the identity again. */
  async unreject(epId: string, identityId: string, personId: string): Promise<void> {
    await this.update(parseEpId(epId).show, (s) => {
      const doc = structuredClone(s.doc);
      doc.rejections = doc.rejections.filter((r) => !(r.ep_id === epId && r.identity_id === identityId && r.person_id === personId));
      return { doc, embeddings: s.embeddings };
    });
  }

  /**
   * Removes one reference of a person (the reviewer saw a wrong face among them) and remembers it, so
   * the next sync of its episode does not bring it back.
   */
  async removeReference(show: string, ref: { person_id: string; ep_id: string; track_id: string }): Promise<CastLibraryState> {
    return this.update(show, (s) => {
      const at = s.doc.references.findIndex((r) => r.person_id === ref.person_id && r.ep_id === ref.ep_id && r.track_id === ref.track_id);
      if (at < 0) throw new StoreError({ file: castPaths(show).json, field: 'references', message: `no reference of ${ref.person_id} from ${ref.ep_id} ${ref.track_id}` });
      const doc = structuredClone(s.doc);
      doc.references.splice(at, 1);
      doc.removed_references.push({ ...ref, removed_at: nowIso() });
      return { doc, embeddings: s.embeddings.filter((_, i) => i !== at) };
    });
  }

  /** Adds the people of a cast list (validated); existing person_ids get the list's name. */
  async importCastList(show: string, list: unknown): Promise<{ added: number; renamed: number }> {
    const parsed = castListSchema.safeParse(list);
    if (!parsed.success) {
      throw new StoreError(parsed.error.issues.map((i) => ({ file: 'cast list', field: i.path.join('.') || '(root)', message: i.message })));
    }
    let added = 0, renamed = 0;
    await this.update(show, (s) => {
      const doc = structuredClone(s.doc);
      const now = nowIso();
      for (const e of parsed.data) {
        const person_id = e.person_id ?? slugifyName(e.name);
        const cur = doc.people.find((p) => p.person_id === person_id);
        if (!cur) {
          doc.people.push({ person_id, name: e.name, added_at: now });
          added++;
        } else if (cur.name !== e.name) {
          cur.name = e.name;
          renamed++;
        }
      }
      return { doc, embeddings: s.embeddings };
    });
    return { added, renamed };
  }

  async exportCastList(show: string): Promise<{ person_id: string; name: string }[]> {
    const { doc } = await this.load(show);
    return castListExportSchema.parse(doc.people.map(({ person_id, name }) => ({ person_id, name })));
  }

  async setAutoAssign(show: string, patch: Partial<AutoAssignSettings>): Promise<AutoAssignSettings> {
    const s = await this.update(show, (st) => ({ doc: { ...st.doc, auto_assign: { ...st.doc.auto_assign, ...patch } }, embeddings: st.embeddings }));
    return s.doc.auto_assign;
  }

  /**
   * Labels unlocked, unlabeled identities whose best suggestion clears the show's threshold — only
   * when the show turned auto-assign on. Each one is recorded (and undoable with undoAutoAssignment).
   */
  async autoAssign(epId: string, apply: ApplyLabel, doc?: IdentitiesDoc): Promise<AutoAssignment[]> {
    const { show } = parseEpId(epId);
    const { doc: lib } = await this.load(show);
    if (!lib.auto_assign.enabled) return [];
    const identities = doc ?? (await readJson(this.ws.abs(this.ws.paths(epId).identities), identitiesDocSchema));
    const sugg = await this.suggestions(epId, { doc: identities });
    const plan: PlannedAssignment[] = planAutoAssign(
      identities.identities.map((i) => ({ identity_id: i.identity_id, locked: i.locked, labels: i.labels, suggestions: sugg[i.identity_id] ?? [] })),
      { threshold: lib.auto_assign.threshold, minMargin: lib.auto_assign.min_margin },
    );
    const made: AutoAssignment[] = [];
    for (const p of plan) {
      const prev = identities.identities.find((i) => i.identity_id === p.identity_id)!.labels ?? {};
      const rec: AutoAssignment = { ep_id: epId, identity_id: p.identity_id, person_id: p.person_id, name: p.name, score: p.score, previous_labels: prev, assigned_at: nowIso(), undone_at: null };
      // Recorded before the label lands: the library sync that follows every edit must already see it
      // as an unconfirmed auto-label, or it would learn from its own guess.
      await this.update(show, (s) => ({ doc: { ...s.doc, auto_assignments: [...s.doc.auto_assignments, rec] }, embeddings: s.embeddings }));
      try {
        await apply(epId, p.identity_id, { person_id: p.person_id, name: p.name });
      } catch (err) {
        await this.update(show, (s) => ({ doc: { ...s.doc, auto_assignments: s.doc.auto_assignments.filter((a) => !(a.identity_id === rec.identity_id && a.assigned_at === rec.assigned_at && a.ep_id === rec.ep_id)) }, embeddings: s.embeddings }));
        throw err;
      }
      made.push(rec);
    }
    return made;
  }

  /** Auto-assignments of an episode (active and undone), oldest first. */
  async autoAssignments(epId: string): Promise<AutoAssignment[]> {
    const { doc } = await this.load(parseEpId(epId).show);
    return doc.auto_assignments.filter((a) => a.ep_id === epId);
  }

  /** Restores the labels the identity had and rejects the assigned person so it is not offered again. */
  async undoAutoAssignment(epId: string, identityId: string, apply: ApplyLabel): Promise<AutoAssignment> {
    const { show } = parseEpId(epId);
    const { doc } = await this.load(show);
    const a = [...doc.auto_assignments].reverse().find((x) => x.ep_id === epId && x.identity_id === identityId && x.undone_at === null);
    if (!a) throw new Error(`no active auto-assignment for ${identityId} in ${epId}`);
    const prev = a.previous_labels;
    const prevId = prev.person_id ?? (prev.name ? slugifyName(prev.name) : undefined);
    await apply(epId, identityId, prevId ? { person_id: prevId, name: prev.name ?? prevId } : null);
    const undoneAt = nowIso();
    await this.update(show, (s) => {
      const d = structuredClone(s.doc);
      const rec = d.auto_assignments.find((x) => x.ep_id === a.ep_id && x.identity_id === a.identity_id && x.assigned_at === a.assigned_at && x.undone_at === null);
      if (rec) rec.undone_at = undoneAt;
      if (!d.rejections.some((r) => r.ep_id === epId && r.identity_id === identityId && r.person_id === a.person_id)) {
        d.rejections.push({ ep_id: epId, identity_id: identityId, person_id: a.person_id, rejected_at: undoneAt });
      }
      return { doc: d, embeddings: s.embeddings };
    });
    return { ...a, undone_at: undoneAt };
  }
}
