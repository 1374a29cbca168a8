// The one contract between the UI and the ReviewService, shared by the Electron IPC wiring (main +
// preload) and the web host (POST /api/<channel>). Types come from the schemas; both sides validate.
import { z } from 'zod';
import { anyCommandSchema, reviewCommandSchema, trackEditSchema } from './commands/schema';
import { defaultPipelineSettings, pipelineSettingsSchema, type PipelineSettings } from './schema/settings';
import { epIdSchema, faceIdSchema, identitiesDocSchema, identityIdSchema, identitySchema, nonNegInt, trackIdSchema } from './schema';
import { CAST_CHANNEL_METHODS, castChannels } from './ipc-cast';
import { CLEANUP_CHANNEL_METHODS, CLEANUP_EVENT_METHODS, cleanupChannels, cleanupEvents } from './ipc-cleanup';
import { MODELS_CHANNEL_METHODS, MODELS_EVENT_METHODS, modelsChannels, modelsEvents } from './ipc-models';
import { QUEUE_CHANNEL_METHODS, queueChannels } from './ipc-queue';

// ---------------------------------------------------------------------------------------------
// Errors

/** 'forbidden': the host does not allow this at all (e.g. a browser picking a folder on the server). */
export const ipcErrorCodeSchema = z.enum(['invalid_request', 'conflict', 'locked', 'not_found', 'internal', 'forbidden']);
export type IpcErrorCode = z.infer<typeof ipcErrorCodeSchema>;
export const ipcErrorSchema = z.strictObject({
  code: ipcErrorCodeSchema,
  message: z.string(),
  /** Command refusals carry their detail: 'overlap' | 'invalid' | … and the track pairs / locked ids. */
  reason: z.string().optional(),
  overlaps: z.array(z.tuple([trackIdSchema, trackIdSchema])).optional(),
  locked_ids: z.array(identityIdSchema).optional(),
  /** On 'conflict': the revision now on disk, so the client can reload. */
  revision: nonNegInt.optional(),
});
export type IpcError = z.infer<typeof ipcErrorSchema>;

/** Thrown by service methods; hosts turn it into {code, message}. */
export class IpcFailure extends Error {
  constructor(public readonly error: IpcError) {
    super(error.message);
    this.name = 'IpcFailure';
  }
}

/** Transport envelope of every response (IPC and HTTP). */
export const envelopeSchema = <T extends z.ZodType>(data: T) =>
  z.union([z.strictObject({ ok: z.literal(true), data }), z.strictObject({ ok: z.literal(false), error: ipcErrorSchema })]);

// ---------------------------------------------------------------------------------------------
// Shared payload pieces

const empty = z.strictObject({});
const epRequest = z.strictObject({ ep_id: epIdSchema });
/** Manifest-relative media reference (crops/…, thumbs/…, frames/…); see mediaUrl(). */
const mediaRef = z.string();

export const historyStateSchema = z.strictObject({
  can_undo: z.boolean(),
  can_redo: z.boolean(),
  undo_label: z.string().nullable(),
  redo_label: z.string().nullable(),
});

export const trackSummarySchema = z.strictObject({
  track_id: trackIdSchema,
  identity_id: identityIdSchema.nullable(),
  start_s: z.number(),
  end_s: z.number(),
  frame_span: z.tuple([nonNegInt, nonNegInt]),
  /** faces.jsonl rows of the track (0 when faces.jsonl is absent). */
  faces: nonNegInt,
  /** Up to 3 sample crops in time order (crops, falling back to legacy sample_thumbs). */
  sample_crops: z.array(mediaRef),
  avg_conf: z.number(),
});
export type TrackSummary = z.infer<typeof trackSummarySchema>;

/** A reviewable document state: every editing response returns it. */
export const reviewStateSchema = z.strictObject({
  ep_id: epIdSchema,
  revision: nonNegInt,
  identities: identitiesDocSchema,
  history: historyStateSchema,
  /** The edit is saved, but something that follows it was not (e.g. the cast library): show these. */
  warnings: z.array(z.string()).optional(),
});
export type ReviewState = z.infer<typeof reviewStateSchema>;

/**
 * Saved settings are the pipeline's own run settings (shared/schema/settings.ts: frame exports
 * toggle `saveFrames`, `device`, thresholds…), so "start a run" passes them through unchanged.
 */
export const settingsSchema = pipelineSettingsSchema;
export type Settings = PipelineSettings;
export const DEFAULT_SETTINGS: Settings = defaultPipelineSettings();

/**
 * settings:set takes any subset. Built by unwrapping each default (zod's .partial() would fill every
 * missing key with its default and so reset the user's other settings). `modelsDir` is left out on
 * purpose: the UI must not point the app at arbitrary folders of executable model files.
 */
const patchShape = Object.fromEntries(
  Object.entries(pipelineSettingsSchema.shape)
    .filter(([k]) => k !== 'modelsDir')
    .map(([k, s]) => [k, (s instanceof z.ZodDefault ? (s.unwrap() as z.ZodType) : (s as z.ZodType)).optional()]),
);
export type SettingsPatch = Partial<Omit<PipelineSettings, 'modelsDir'>>;
export const settingsPatchSchema = z.strictObject(patchShape) as unknown as z.ZodType<SettingsPatch>;


export const pipelineProgressSchema = z.strictObject({
  run_id: z.string(),
  ep_id: epIdSchema,
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  stage: z.string(),
  done: nonNegInt,
  total: nonNegInt,
  /** Items per second, and seconds left (null when unknown). */
  rate: z.number().nullable(),
  eta: z.number().nullable(),
  message: z.string().optional(),
});
export type PipelineProgress = z.infer<typeof pipelineProgressSchema>;

// ---------------------------------------------------------------------------------------------
// Channels

export const channels = {
  'workspace:get': {
    request: empty,
    response: z.strictObject({
      root: z.string(),
      app_version: z.string(),
      host: z.enum(['electron', 'web', 'test']),
      /** How workspace:choose works here: a native folder dialog, a typed path (web host started with
       * --allow-workspace-switch), or not at all (absent = 'none'). Set by the host, not the service. */
      workspace_switch: z.enum(['dialog', 'path', 'none']).optional(),
    }),
  },
  // Host channels (HOST_CHANNELS): answered by the host that owns the workspace root, not ReviewService.
  'workspace:choose': {
    /** No path: the native folder dialog (Electron). A path: a recent root (Electron) or, on a web host
     * started with --allow-workspace-switch, any existing absolute folder. */
    request: z.strictObject({ path: z.string().min(1).optional() }),
    /** changed=false when the dialog was cancelled or the folder is already the workspace. */
    response: z.strictObject({ root: z.string(), changed: z.boolean() }),
  },
  'workspace:recent': {
    request: empty,
    /** Most recent first, existing folders only; includes the current root. */
    response: z.strictObject({ current: z.string(), recent: z.array(z.string()) }),
  },
  'episodes:list': {
    request: empty,
    response: z.strictObject({
      episodes: z.array(
        z.strictObject({
          ep_id: epIdSchema,
          show: z.string(),
          season: nonNegInt,
          episode: nonNegInt,
          has_identities: z.boolean(),
          num_identities: nonNegInt,
          num_tracks: nonNegInt,
          num_labeled: nonNegInt,
          num_locked: nonNegInt,
          updated_at: z.string().nullable(),
          /** Why the episode cannot be opened (unreadable identities.json, a symlink out of the workspace…). */
          error: z.string().optional(),
        }),
      ),
    }),
  },
  'episode:open': {
    request: epRequest,
    response: reviewStateSchema.extend({
      tracks: z.array(trackSummarySchema),
      /** Seconds on screen per identity: the union of its tracks' [start_s, end_s]. */
      identity_seconds: z.record(z.string(), z.number()),
    }),
  },
  'identity:detail': {
    request: z.strictObject({ ep_id: epIdSchema, identity_id: identityIdSchema }),
    response: z.strictObject({
      ep_id: epIdSchema,
      revision: nonNegInt,
      identity: identitySchema,
      /** In time order (start_s). */
      tracks: z.array(
        trackSummarySchema.extend({
          /** All crops of the track in time order (faces.jsonl crop_path, else sample_thumbs). */
          crops: z.array(mediaRef),
          /** The track's faces.jsonl rows in time order (empty without faces.jsonl): what review:edit-track splits at or rejects. */
          face_rows: z.array(z.strictObject({ face_id: faceIdSchema, crop_path: z.string(), rejected: z.boolean() })),
          /** Mean faces.jsonl quality_score (null when unknown). */
          quality: z.number().nullable(),
          /** Cosine similarity of the track embedding to the identity centroid (null without track_embeddings.npy); low = outlier. */
          similarity: z.number().nullable(),
        }),
      ),
      /** Most similar other identities (centroid cosine), best first. */
      suggestions: z.array(
        z.strictObject({
          identity_id: identityIdSchema,
          similarity: z.number(),
          name: z.string().nullable(),
          num_tracks: nonNegInt,
          locked: z.boolean(),
          canonical_face_path: z.string(),
        }),
      ),
    }),
  },
  'review:apply': {
    request: z.strictObject({ ep_id: epIdSchema, revision: nonNegInt, command: reviewCommandSchema }),
    response: reviewStateSchema,
  },
  /** Split a track at a face, or reject a face (shared/commands/schema.ts): one undo step, restored from a backup. */
  'review:edit-track': {
    request: z.strictObject({ ep_id: epIdSchema, revision: nonNegInt, edit: trackEditSchema }),
    response: reviewStateSchema,
  },
  'review:undo': { request: z.strictObject({ ep_id: epIdSchema, revision: nonNegInt }), response: reviewStateSchema },
  'review:redo': { request: z.strictObject({ ep_id: epIdSchema, revision: nonNegInt }), response: reviewStateSchema },
  'settings:get': { request: empty, response: settingsSchema },
  'settings:set': { request: settingsPatchSchema, response: settingsSchema },
  'pipeline:start': {
    request: z.strictObject({
      ep_id: epIdSchema,
      /** Absolute path of the video (the user picked it; the service checks it exists). */
      video_path: z.string().min(1),
      /** Overrides of the saved settings for this run. */
      settings: settingsPatchSchema.optional(),
    }),
    response: z.strictObject({ run_id: z.string() }),
  },
  'pipeline:cancel': { request: z.strictObject({ run_id: z.string() }), response: z.strictObject({ cancelled: z.boolean() }) },
  'cast:names': {
    request: epRequest,
    /** Names labelled in other episodes of the same show, most frequent first. */
    response: z.strictObject({
      names: z.array(z.strictObject({ name: z.string(), person_id: z.string(), episodes: z.array(epIdSchema) })),
    }),
  },
  // Cast library + screen time (issue #7): defined in shared/ipc-cast.ts.
  ...castChannels(reviewStateSchema),
  // Episode cleanup (issue #6): shared/ipc-cleanup.ts.
  ...cleanupChannels,
  // Model installer (Settings → Models): shared/ipc-models.ts.
  ...modelsChannels,
  // Episode queue on Redis: shared/ipc-queue.ts.
  ...queueChannels,
} as const;

export type Channel = keyof typeof channels;
export type RequestOf<C extends Channel> = z.infer<(typeof channels)[C]['request']>;
export type ResponseOf<C extends Channel> = z.infer<(typeof channels)[C]['response']>;
export const CHANNELS = Object.keys(channels) as Channel[];
/** Channels the host (Electron main, web host) answers itself because it owns the workspace root. */
export const HOST_CHANNELS = ['workspace:choose', 'workspace:recent'] as const satisfies readonly Channel[];
export type HostChannel = (typeof HOST_CHANNELS)[number];

export const events = {
  'pipeline:progress': pipelineProgressSchema,
  'artifacts:changed': z.strictObject({
    ep_id: epIdSchema,
    revision: nonNegInt.nullable(),
    reason: z.enum(['review', 'pipeline', 'external']),
  }),
  /** The host switched to another workspace folder: every episode list and open episode is stale. */
  'workspace:changed': z.strictObject({ root: z.string() }),
  ...cleanupEvents,
  ...modelsEvents,
} as const;
export type EventName = keyof typeof events;
export type EventOf<E extends EventName> = z.infer<(typeof events)[E]>;
export const EVENT_NAMES = Object.keys(events) as EventName[];

/** Channel → method name: the preload's API and the web client expose exactly these. */
export const CHANNEL_METHODS = {
  'workspace:get': 'getWorkspace',
  'workspace:choose': 'chooseWorkspace',
  'workspace:recent': 'recentWorkspaces',
  'episodes:list': 'listEpisodes',
  'episode:open': 'openEpisode',
  'identity:detail': 'getIdentityDetail',
  'review:apply': 'applyReview',
  'review:edit-track': 'editTrack',
  'review:undo': 'undo',
  'review:redo': 'redo',
  'settings:get': 'getSettings',
  'settings:set': 'setSettings',
  'pipeline:start': 'startPipeline',
  'pipeline:cancel': 'cancelPipeline',
  'cast:names': 'getCastNames',
  ...CAST_CHANNEL_METHODS,
  ...CLEANUP_CHANNEL_METHODS,
  ...MODELS_CHANNEL_METHODS,
  ...QUEUE_CHANNEL_METHODS,
} as const satisfies Record<Channel, string>;

export const EVENT_METHODS = {
  'pipeline:progress': 'onPipelineProgress',
  'artifacts:changed': 'onArtifactsChanged',
  'workspace:changed': 'onWorkspaceChanged',
  ...CLEANUP_EVENT_METHODS,
  ...MODELS_EVENT_METHODS,
} as const satisfies Record<EventName, string>;

/** The service shape: one method per channel except the host channels (ReviewService implements it). */
export type ServiceApi = { [C in Exclude<Channel, HostChannel> as (typeof CHANNEL_METHODS)[C]]: (req: RequestOf<C>) => Promise<ResponseOf<C>> };
/** What a host serves: the service's channels plus the host channels. */
export type HostApi = ServiceApi & { [C in HostChannel as (typeof CHANNEL_METHODS)[C]]: (req: RequestOf<C>) => Promise<ResponseOf<C>> };

/** The API the UI sees: channel methods + one subscription per event (returns an unsubscribe). */
export type ClientApi = HostApi & {
  [E in EventName as (typeof EVENT_METHODS)[E]]: (cb: (payload: EventOf<E>) => void) => () => void;
};

/** Transport-agnostic client: `invoke` sends one request and returns the raw envelope. */
export type Transport = {
  invoke(channel: Channel, payload: unknown): Promise<unknown>;
  subscribe(event: EventName, cb: (payload: unknown) => void): () => void;
};

/** Builds the named API over a transport, validating every request before sending and every response/event on arrival. */
export function createClientApi(transport: Transport): ClientApi {
  const api: Record<string, unknown> = {};
  for (const channel of CHANNELS) {
    const { request, response } = channels[channel];
    const envelope = envelopeSchema(response);
    api[CHANNEL_METHODS[channel]] = async (req: unknown) => {
      const payload = request.parse(req ?? {});
      const raw = await transport.invoke(channel, payload);
      const parsed = envelope.safeParse(raw);
      if (!parsed.success) {
        throw new IpcFailure({ code: 'internal', message: `bad response on ${channel}: ${z.prettifyError(parsed.error)}` });
      }
      if (!parsed.data.ok) throw new IpcFailure(parsed.data.error);
      return parsed.data.data;
    };
  }
  for (const name of EVENT_NAMES) {
    api[EVENT_METHODS[name]] = (cb: (p: unknown) => void) =>
      transport.subscribe(name, (raw) => {
        const p = events[name].safeParse(raw);
        if (p.success) cb(p.data);
      });
  }
  return api as ClientApi;
}

/** Convenience wrappers for each review command (the UI's `api.mergeIdentities(...)`). */
export function reviewHelpers(api: Pick<ClientApi, 'applyReview'>) {
  type Cmd = RequestOf<'review:apply'>['command'];
  const send = (ep_id: string, revision: number, command: Cmd) => api.applyReview({ ep_id, revision, command });
  type Args<O extends Cmd['op']> = Omit<Extract<Cmd, { op: O }>, 'op'>;
  return {
    lockIdentity: (ep: string, rev: number, a: Args<'lock'>) => send(ep, rev, { op: 'lock', ...a }),
    labelIdentity: (ep: string, rev: number, a: Args<'label'>) => send(ep, rev, { op: 'label', ...a }),
    mergeIdentities: (ep: string, rev: number, a: Args<'merge'>) => send(ep, rev, { op: 'merge', ...a }),
    splitIdentity: (ep: string, rev: number, a: Args<'split'>) => send(ep, rev, { op: 'split', ...a }),
    moveTracks: (ep: string, rev: number, a: Args<'moveTracks'>) => send(ep, rev, { op: 'moveTracks', ...a }),
    removeTrack: (ep: string, rev: number, a: Args<'removeTrack'>) => send(ep, rev, { op: 'removeTrack', ...a }),
  };
}

/** URL of a manifest media reference: `media://<ep>/<ref>` in Electron, `/media/<ep>/<ref>` on the web host. */
export function mediaUrl(host: 'electron' | 'web', epId: string, ref: string): string {
  const path = `${encodeURIComponent(epId)}/${ref.split('/').map(encodeURIComponent).join('/')}`;
  return host === 'electron' ? `media://episode/${path}` : `/media/${path}`;
}

/** Web host HTTP conventions (the renderer's web client and the host share them). */
export const WEB = {
  apiPrefix: '/api/',
  eventsPath: '/events',
  mediaPrefix: '/media/',
  /** The one-time `?token=` URL sets this HttpOnly cookie; <img> and EventSource send it automatically. */
  cookieName: 'sa_token',
} as const;

export { anyCommandSchema };
