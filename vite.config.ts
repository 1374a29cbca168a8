// Vite build of the React renderer: root renderer/, output dist/renderer, relative base so the same
// bundle loads from the web host (http://127.0.0.1:port/) and from Electron's app:// / file origin.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('./renderer', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/renderer', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir,
    emptyOutDir: true,
    // The CSP forbids inline scripts/styles, so keep every asset a separate file.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
