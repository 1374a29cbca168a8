// The whole contract: every domain's table joined, and the types hosts and clients are built from.
// A channel is declared once, in its domain file; nothing here names one.
import type { z } from 'zod';
import type { ApiOf, ChannelDecl, ContractTable } from './core';
import { castContract } from './cast';
import { cleanupContract } from './cleanup';
import { modelsContract } from './models';
import { pipelineContract } from './pipeline';
import { queueContract } from './queue';
import { reviewContract } from './review';
import { workspaceContract, workspaceHostContract } from './workspace';

/** Channels a service answers (ReviewService implements ServiceApi). */
export const serviceContract = {
  ...reviewContract,
  ...workspaceContract,
  ...pipelineContract,
  ...castContract,
  ...cleanupContract,
  ...modelsContract,
  ...queueContract,
} as const;
/** Channels the host that owns the workspace root answers itself. */
export const hostContract = workspaceHostContract;
export const contract = { ...serviceContract, ...hostContract } as const;

export type Contract = typeof contract;
export type Method = keyof Contract;
/** What a service implements: one method per service channel. */
export type ServiceApi = ApiOf<typeof serviceContract>;
/** What a host serves: the service's channels plus the host channels. */
export type HostApi = ApiOf<Contract>;

type ByChannel = { [M in Method as Contract[M]['channel']]: Contract[M] & { readonly method: M } };
export type Channel = keyof ByChannel;
export type RequestOf<C extends Channel> = z.infer<ByChannel[C]['request']>;
export type ResponseOf<C extends Channel> = z.infer<ByChannel[C]['response']>;
export type HostChannel = (typeof hostContract)[keyof typeof hostContract]['channel'];

/** Channel name → its declaration and the method that answers it (built from the tables). */
export const channels = indexByChannel([reviewContract, workspaceContract, pipelineContract, castContract, cleanupContract, modelsContract, queueContract, workspaceHostContract]);
export const CHANNELS = Object.keys(channels) as Channel[];
export const HOST_CHANNELS = Object.values(hostContract).map((d) => d.channel) as HostChannel[];

/** A method or channel declared twice would silently replace the first: refuse it when the module loads. */
function indexByChannel(tables: ContractTable[]): ByChannel {
  const out: Record<string, ChannelDecl & { method: string }> = {};
  const methods = new Set<string>();
  for (const table of tables) {
    for (const [method, decl] of Object.entries(table)) {
      if (methods.has(method) || Object.hasOwn(out, decl.channel)) throw new Error(`IPC contract: ${method} / ${decl.channel} is declared twice`);
      methods.add(method);
      out[decl.channel] = { ...decl, method };
    }
  }
  return out as unknown as ByChannel;
}
