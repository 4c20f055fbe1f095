import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The console is plain static files served by the api at `/` (apps/api/src/console).
// No React plugin: Vite's built-in oxc transform compiles .tsx with the automatic JSX runtime.
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: true,
  },
  server: {
    // `npx vite --config apps/web/vite.config.ts` during development, against an api on :8080.
    proxy: { '/v2': 'http://localhost:8080', '/socket.io': { target: 'http://localhost:8080', ws: true } },
  },
});
