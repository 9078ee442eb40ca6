import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('./', import.meta.url)) } },
  test: {
    include: ['{app,content,prisma,sim,docs}/**/*.test.ts'],
    environment: 'node',
    // protocol and database tests start real servers; two cores, so keep parallelism modest
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
