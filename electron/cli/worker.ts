// `screenalytics worker --workspace <dir> [--concurrency N] [--device …]`: runs episode jobs from the
// queue until stopped. Ctrl-C (SIGINT) lets the running job finish, a second Ctrl-C hands it back;
// SIGTERM (a service manager stopping the machine) hands it back at once — another worker resumes it
// from the stages already on disk.
import { parseNumber, parseCommand, usageError } from './args';
import { resolveQueue } from '../queue/connection';
import { startFarm } from '../queue/farm';
import { pipelineSettingsSchema } from '../../shared/schema/settings';

const USAGE = `usage: screenalytics worker --workspace <dir> [--redis URL] [--queue NAME] [--concurrency N]
  [--device auto|cpu|cuda|dml|coreml] [--lock-duration MS] [--stalled-interval MS]
  --redis URL          default $SCREENALYTICS_REDIS_URL, else the workspace's queue settings
  --device             the device this worker runs models on; cuda/dml/coreml workers take the GPU queue
  --lock-duration MS   a dead worker's job is taken over after about this long (default 30000)`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(
    args,
    USAGE,
    { redis: { type: 'string' }, queue: { type: 'string' }, concurrency: { type: 'string' }, device: { type: 'string' }, 'lock-duration': { type: 'string' }, 'stalled-interval': { type: 'string' } },
    { min: 0, max: 0 },
  );
  if (typeof parsed === 'number') return parsed;
  const v = parsed.values;
  const settings = await resolveQueue(parsed.workspace, { redis: v.redis, queue: v.queue });
  if (!settings) {
    console.error('no queue: pass --redis URL or set SCREENALYTICS_REDIS_URL');
    return usageError(USAGE);
  }
  const devices = pipelineSettingsSchema.shape.device.unwrap().options;
  const device = devices.find((d) => d === v.device);
  if (v.device !== undefined && !device) throw new Error(`--device must be one of ${devices.join(', ')}, got "${v.device}"`);
  const lockDurationMs = v['lock-duration'] === undefined ? undefined : parseNumber('--lock-duration', v['lock-duration'], { min: 1000, integer: true });
  const farm = startFarm({
    workspace: parsed.workspace,
    settings,
    device,
    concurrency: v.concurrency === undefined ? 1 : parseNumber('--concurrency', v.concurrency, { min: 1, max: 64, integer: true }),
    lockDurationMs,
    stalledIntervalMs: v['stalled-interval'] === undefined ? undefined : parseNumber('--stalled-interval', v['stalled-interval'], { min: 500, integer: true }),
    log: (line) => console.error(`${new Date().toISOString()} ${line}`),
  });
  let stopping: Promise<void> | null = null;
  await new Promise<void>((resolve) => {
    const stop = (mode: 'finish' | 'handback') => {
      const next = farm.stop(mode);
      stopping ??= next;
      void next.then(resolve, resolve);
    };
    process.on('SIGINT', () => {
      if (!stopping) {
        console.error('finishing the running job(s); Ctrl-C again hands them back to the queue');
        stop('finish');
      } else {
        console.error('handing the running job(s) back to the queue…');
        stop('handback');
      }
    });
    process.on('SIGTERM', () => {
      console.error('SIGTERM: handing the running job(s) back to the queue…');
      stop('handback');
    });
  });
  console.error('worker stopped');
  return 0;
}
