// What every domain file of the contract is made of: the failure shape, the response envelope, and
// the form of a channel declaration. A domain file is a table keyed by the service method that
// answers the channel, so `ServiceApi` (index.ts) is a mapped type over these tables and
// go-to-definition on `service.openEpisode` lands on its declaration here.
import { z } from 'zod';
import { epIdSchema, identityIdSchema, nonNegInt, trackIdSchema } from '../schema/common';

/** 'forbidden': the host does not allow this at all (e.g. a browser picking a folder on the server). */
export const ipcErrorCodeSchema = z.enum(['invalid_request', 'conflict', 'locked', 'not_found', 'internal', 'forbidden']);
export type IpcErrorCode = z.infer<typeof ipcErrorCodeSchema>;
export const ipcErrorSchema = z.strictObject({
  code: ipcErrorCodeSchema,
  message: z.string(),
  /** Command refusals carry their detail: 'overlap' | 'invalid' | … and the track pairs / locked ids.
   *  'busy' on a 'locked' failure: another writer holds the episode, nothing was applied, resending is safe. */
  reason: z.string().optional(),
  overlaps: z.array(z.tuple([trackIdSchema, trackIdSchema])).optional(),
  locked_ids: z.array(identityIdSchema).optional(),
  /** On 'conflict': the revision now on disk, so the client can reload. */
  revision: nonNegInt.optional(),
});
export type IpcError = z.infer<typeof ipcErrorSchema>;

/** Thrown by service methods; the dispatcher turns it into {code, message}. */
export class IpcFailure extends Error {
  constructor(public readonly error: IpcError) {
    super(error.message);
    this.name = 'IpcFailure';
  }
}

/** Transport envelope of every response (IPC and HTTP). */
export const envelopeSchema = <T extends z.ZodType>(data: T) =>
  z.union([z.strictObject({ ok: z.literal(true), data }), z.strictObject({ ok: z.literal(false), error: ipcErrorSchema })]);
export type Envelope<T = unknown> = { ok: true; data: T } | { ok: false; error: IpcError };

/** One channel: its `domain:verb` name and the schemas of what goes in and what comes back. */
export interface ChannelDecl {
  readonly channel: `${string}:${string}`;
  readonly request: z.ZodType;
  readonly response: z.ZodType;
}
/** A domain's channels, keyed by the service method that answers each. */
export type ContractTable = Readonly<Record<string, ChannelDecl>>;

/** The methods a table declares: one request in, one response out. */
export type ApiOf<T extends ContractTable> = {
  [M in keyof T]: (req: z.infer<T[M]['request']>) => Promise<z.infer<T[M]['response']>>;
};

// Payload pieces several domains use.
export const emptyRequest = z.strictObject({});
export const epRequest = z.strictObject({ ep_id: epIdSchema });
/** Manifest-relative media reference (crops/…, thumbs/…, frames/…); see mediaUrl(). */
export const mediaRef = z.string();
