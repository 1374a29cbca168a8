// The Content-Security-Policy of the app's pages, sent by the web host on every response and by
// Electron's app:// protocol. It matches renderer/index.html's meta tag: no inline scripts or styles
// (React sets `style` through CSSOM, which CSP allows), images and video only from this origin (and
// media:// in Electron).
const cspDirectives = (imgSrc: string) => [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  `img-src ${imgSrc}`,
  `media-src ${imgSrc}`,
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
export const CSP = cspDirectives("'self'");
/** The app:// pages in Electron load crops from media://episode/… */
export const ELECTRON_CSP = cspDirectives("'self' media:");
