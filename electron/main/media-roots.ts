// The folders whose videos Electron's media:// may play (electron/media/video.ts confines an episode's
// video to the workspace and these): the `--media-root=<dir>` flags, $SCREENALYTICS_MEDIA_ROOTS
// (path-list separated), the OS videos folder, and the folder of every video a run was started on in
// this window (the reviewer picked that file). No Electron imports, so it is testable under Node.
import { existsSync, statSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, resolve } from 'node:path';

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();

/** The roots named at start-up, resolved, existing folders only, without repeats. */
export function mediaRootsFrom(o: { argv: readonly string[]; env: NodeJS.ProcessEnv; videos?: string }): string[] {
  const flags = o.argv.filter((a) => a.startsWith('--media-root=')).map((a) => a.slice('--media-root='.length));
  const fromEnv = (o.env.SCREENALYTICS_MEDIA_ROOTS ?? '').split(delimiter);
  const all = [...flags, ...fromEnv, o.videos ?? ''].filter((p) => p !== '').map((p) => resolve(p));
  return [...new Set(all)].filter(isDir);
}

export class MediaRoots {
  private readonly roots: string[];

  constructor(initial: readonly string[]) {
    this.roots = [...initial];
  }

  list(): readonly string[] {
    return this.roots;
  }

  /** After an IPC answer: a run the host accepted (`pipeline:start` answered ok) adds its video's folder. */
  noteAnswer(channel: string, payload: unknown, answer: unknown): void {
    if (channel !== 'pipeline:start' || (answer as { ok?: unknown } | null)?.ok !== true) return;
    const video = (payload as { video_path?: unknown } | null)?.video_path;
    if (typeof video !== 'string' || !isAbsolute(video)) return;
    const dir = dirname(resolve(video));
    if (!this.roots.includes(dir) && isDir(dir)) this.roots.push(dir);
  }
}
