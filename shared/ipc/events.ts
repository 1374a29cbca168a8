// Main → renderer events: each declared once with its payload schema. The client subscribes with
// `on<Domain><Verb>(cb)` (pipeline:progress → onPipelineProgress), derived from the name.
import type { z } from 'zod';
import { cleanupProgressSchema } from './cleanup';
import { modelsProgressSchema } from './models';
import { pipelineProgressSchema } from './pipeline';
import { artifactsChangedSchema } from './review';
import { workspaceChangedSchema } from './workspace';

export const events = {
  'pipeline:progress': pipelineProgressSchema,
  'artifacts:changed': artifactsChangedSchema,
  'workspace:changed': workspaceChangedSchema,
  'cleanup:progress': cleanupProgressSchema,
  'models:progress': modelsProgressSchema,
} as const;
export type EventName = keyof typeof events;
export type EventOf<E extends EventName> = z.infer<(typeof events)[E]>;
export const EVENT_NAMES = Object.keys(events) as EventName[];

/** The subscription method of an event: 'pipeline:progress' → 'onPipelineProgress'. */
export type EventMethod<E extends string> = E extends `${infer D}:${infer V}` ? `on${Capitalize<D>}${Capitalize<V>}` : never;
export function eventMethod<E extends EventName>(event: E): EventMethod<E> {
  return `on${event.split(':').map((w) => w[0].toUpperCase() + w.slice(1)).join('')}` as EventMethod<E>;
}
