import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The platform serves dist/ at /; `npm run dev -w @bookflow/dashboard` proxies the API to a local platform.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Scripts come from files only: the page runs under a CSP without 'unsafe-inline'.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: { '/v1': 'http://127.0.0.1:8080' },
  },
});
