// How media and the web host's routes are addressed (the renderer's client and the hosts share them).

/** URL of a manifest media reference: `media://<ep>/<ref>` in Electron, `/media/<ep>/<ref>` on the web host. */
export function mediaUrl(host: 'electron' | 'web', epId: string, ref: string): string {
  const path = `${encodeURIComponent(epId)}/${ref.split('/').map(encodeURIComponent).join('/')}`;
  return host === 'electron' ? `media://episode/${path}` : `/media/${path}`;
}

/** URL of an episode's video (range requests; both hosts, electron/media/episode-media.ts). */
export function episodeVideoUrl(host: 'electron' | 'web', epId: string): string {
  const path = `${encodeURIComponent(epId)}/video`;
  return host === 'electron' ? `media://episode/${path}` : `/media/${path}`;
}

/** URL of the episode's source frame nearest `tsS` seconds (a JPEG; the response's X-Frame-Index names it). */
export function frameUrl(host: 'electron' | 'web', epId: string, tsS: number): string {
  return `${episodeVideoUrl(host, epId).replace(/\/video$/, '/frame')}?t=${tsS}`;
}

/** Web host HTTP conventions. */
export const WEB = {
  apiPrefix: '/api/',
  eventsPath: '/events',
  mediaPrefix: '/media/',
  /** The one-time `?token=` URL sets this HttpOnly cookie; <img> and EventSource send it automatically. */
  cookieName: 'sa_token',
} as const;
