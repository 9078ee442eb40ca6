import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('./', import.meta.url)) } },
  test: {
    include: ['{app,content,prisma,sim,docs}/**/*.test.ts'],
    environment: 'node',
    // protocol and database tests start real servers; two cores, so keep parallelism modest
    maxWorkers: 2,
    // One module graph per worker rather than per file: importing the graph (Prisma client, dcmjs, codecs) for each
    // of ~110 files was half the suite's time. Measured on 2 cores: SQLite pass 326 s → 127 s, PostgreSQL pass
    // 335 s → 147 s, all tests passing both ways. Test files already start and close their own servers and
    // databases (createTestDb), so nothing they rely on is per-file module state.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
