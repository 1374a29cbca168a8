// Where the queue lives: a Redis URL from --redis, else SCREENALYTICS_REDIS_URL, else the workspace's
// queue settings (`.screenalytics/queue.json`, written by `queue add` so the review app and later
// commands find the same queue). No URL anywhere = no queue: every other command works as before.
import { existsSync } from 'node:fs';
import { z } from 'zod';
import type { ConnectionOptions } from 'bullmq';
import { workspaceFiles } from '../../shared/layout';
import { readJson, writeJson } from '../store/json';
import { Workspace } from '../store/workspace';
import { checkQueueName, DEFAULT_QUEUE } from './jobs';

export const REDIS_ENV = 'SCREENALYTICS_REDIS_URL';
const QUEUE_SETTINGS = workspaceFiles.queue;

export const queueSettingsSchema = z.strictObject({
  redis_url: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL'),
  queue: z.string().refine((q) => /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(q), 'must be letters, digits, ".", "_" or "-"'),
});
export type QueueSettings = z.infer<typeof queueSettingsSchema>;

export async function readQueueSettings(workspace: string): Promise<QueueSettings | null> {
  const path = new Workspace(workspace).abs(QUEUE_SETTINGS);
  return existsSync(path) ? readJson(path, queueSettingsSchema) : null;
}

export async function writeQueueSettings(workspace: string, settings: QueueSettings): Promise<void> {
  await writeJson(new Workspace(workspace).abs(QUEUE_SETTINGS), settings, queueSettingsSchema);
}

/** The queue to use: flags first, then the environment, then the workspace's settings; null = none. */
export async function resolveQueue(workspace: string, flags: { redis?: string; queue?: string }): Promise<QueueSettings | null> {
  const saved = await readQueueSettings(workspace);
  const url = flags.redis ?? process.env[REDIS_ENV] ?? saved?.redis_url;
  if (!url) return null;
  return queueSettingsSchema.parse({ redis_url: url, queue: checkQueueName(flags.queue ?? saved?.queue ?? DEFAULT_QUEUE) });
}

/**
 * BullMQ connection options from a URL (redis://[user:pass@]host:port[/db], rediss:// for TLS).
 * Retrying forever is what lets workers ride out a Redis restart: ioredis reconnects with backoff and
 * BullMQ resumes its blocking fetch and lock renewals once the server is back. Commands (`queue
 * status`, the app's panel) pass failFast: a Redis that is down is an answer, not a hang.
 */
export function connectionOptions(url: string, opts: { failFast?: boolean } = {}): ConnectionOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`Redis URL "${url}" is not a URL (expected redis://host:port)`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new Error(`Redis URL "${url}" must start with redis:// or rediss://`);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new Error(`Redis URL "${url}": database "${u.pathname.slice(1)}" is not a number`);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    ...(opts.failFast
      ? { maxRetriesPerRequest: 1, connectTimeout: 3000, retryStrategy: (times: number) => (times > 2 ? null : 200) }
      : { maxRetriesPerRequest: null, retryStrategy: (times: number) => Math.min(200 * times, 2000) }),
  };
}
