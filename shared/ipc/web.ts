// How media and the web host's routes are addressed (the renderer's client and the hosts share them).

/** URL of a manifest media reference: `media://<ep>/<ref>` in Electron, `/media/<ep>/<ref>` on the web host. */
export function mediaUrl(host: 'electron' | 'web', epId: string, ref: string): string {
  const path = `${encodeURIComponent(epId)}/${ref.split('/').map(encodeURIComponent).join('/')}`;
  return host === 'electron' ? `media://episode/${path}` : `/media/${path}`;
}

/** Web host HTTP conventions. */
export const WEB = {
  apiPrefix: '/api/',
  eventsPath: '/events',
  mediaPrefix: '/media/',
  /** The one-time `?token=` URL sets this HttpOnly cookie; <img> and EventSource send it automatically. */
  cookieName: 'sa_token',
} as const;
