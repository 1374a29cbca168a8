// Device setting (auto|cpu|cuda|dml|coreml) → onnxruntime-node execution providers.
// onnxruntime only tells us an accelerator is unusable when a session fails to register it
// (e.g. CUDA's shared libraries are not installed), so each session is created with the requested
// provider first and re-created on CPU if that throws; what actually ran is returned so the
// pipeline can write it to track_metrics.json `device` and show the warning.
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import type { DeviceRequest } from './types';

export interface BackendInfo {
  name: string;
  /** False when onnxruntime-node knows the provider but its libraries ship separately (CUDA on Linux). */
  bundled: boolean;
}

/** What this onnxruntime-node build offers (cpu always; dml on Windows, coreml on macOS, cuda on Linux x64). */
export function supportedBackends(): BackendInfo[] {
  try {
    return ort.listSupportedBackends().map((b) => ({ name: b.name, bundled: b.bundled }));
  } catch {
    return [{ name: 'cpu', bundled: true }];
  }
}

/** Providers to try, best first, for a device request. `auto` picks the platform's accelerator only
 *  when it ships with onnxruntime-node, so a plain install never logs a failed CUDA load. */
export function providerCandidates(device: DeviceRequest, backends = supportedBackends()): string[] {
  if (device === 'cpu') return ['cpu'];
  if (device !== 'auto') return [device, 'cpu'];
  const bundled = new Set(backends.filter((b) => b.bundled).map((b) => b.name));
  const preferred = ['cuda', 'dml', 'coreml'].filter((p) => bundled.has(p));
  return [...preferred, 'cpu'];
}

/** Threads per session: one core is left to ffmpeg, which decodes while the models run (faster end
 *  to end on 2 cores, docs/DECISIONS.md), up to 4; SCREENALYTICS_ORT_THREADS overrides. */
export function defaultThreads(): number {
  const env = Number(process.env.SCREENALYTICS_ORT_THREADS);
  if (Number.isInteger(env) && env > 0) return env;
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

export function sessionOptions(provider: string): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: defaultThreads(),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    // 3 = error: keeps onnxruntime's own warnings about unused initialisers off the console.
    logSeverityLevel: 3,
  };
}

export interface CreatedSession {
  session: ort.InferenceSession;
  /** Provider that ran ("cpu", "cuda", "dml", "coreml"). */
  device: string;
  /** Set when the requested accelerator could not be used. */
  warning?: string;
}

/**
 * Opens a model on the best available provider for `device`. `label` names the file in errors.
 * Throws (never crashes the process) with the file name when the model itself cannot be loaded.
 */
export async function createSession(
  model: string | Uint8Array,
  device: DeviceRequest,
  label: string = typeof model === 'string' ? model : 'model',
): Promise<CreatedSession> {
  const candidates = providerCandidates(device);
  const failures: string[] = [];
  for (const provider of candidates) {
    try {
      const session =
        typeof model === 'string'
          ? await ort.InferenceSession.create(model, sessionOptions(provider))
          : await ort.InferenceSession.create(model, sessionOptions(provider));
      const warning =
        failures.length > 0 && device !== 'auto'
          ? `device "${device}" is not available (${failures.join('; ')}); running on ${provider.toUpperCase()}`
          : undefined;
      return { session, device: provider, warning };
    } catch (err) {
      const msg = firstLine((err as Error).message);
      if (provider === 'cpu') {
        throw new Error(`cannot load ONNX model ${label}: ${msg}`);
      }
      failures.push(`${provider}: ${msg}`);
    }
  }
  throw new Error(`cannot load ONNX model ${label}: no execution provider could be used`);
}

function firstLine(s: string): string {
  const line = s.split('\n').find((l) => l.trim().length > 0) ?? s;
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
