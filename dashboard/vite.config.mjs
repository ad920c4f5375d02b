// Builds the dashboard into dist/dashboard, which `magpie serve` serves at /dashboard/.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/dashboard/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: here('../dist/dashboard'), emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 200 },
});
