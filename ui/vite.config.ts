import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';

// The operator UI: built into dist/ui, served by the API at `/` (index.html) and `/ui/` (assets).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/ui/',
  plugins: [preact({ prefreshEnabled: false, devToolsEnabled: false })],
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/ui', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: true,
    chunkSizeWarningLimit: 200,
  },
  server: { proxy: { '^/(auth|stations|transactions|tokens|admin|events|ocpp|alerts|health)': 'http://127.0.0.1:8081' } },
});
