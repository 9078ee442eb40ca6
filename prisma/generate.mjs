#!/usr/bin/env node
// Writes prisma/schema.{sqlite,postgresql}.prisma from the one hand-edited prisma/models.prisma and generates a
// client for each (Prisma 7 binds a schema and its client to one provider). Runs offline: the Prisma CLI would
// try to download a native schema engine first, which `generate` never uses, so we point it at /bin/false.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PROVIDERS = ['sqlite', 'postgresql'];

export function schemaFor(provider) {
  const models = readFileSync(join(root, 'prisma', 'models.prisma'), 'utf8');
  return `// GENERATED from prisma/models.prisma by prisma/generate.mjs: edit that file, not this one.
generator client {
  provider     = "prisma-client"
  output       = "./generated/${provider}"
  moduleFormat = "esm"
}

datasource db {
  provider = "${provider}"
}

${models}`;
}

export function writeSchemas() {
  for (const provider of PROVIDERS) {
    writeFileSync(join(root, 'prisma', `schema.${provider}.prisma`), schemaFor(provider));
  }
}

function generate() {
  writeSchemas();
  for (const provider of PROVIDERS) {
    execFileSync(
      process.execPath,
      [join(root, 'node_modules', 'prisma', 'build', 'index.js'), 'generate', '--schema', `prisma/schema.${provider}.prisma`],
      {
        cwd: root,
        stdio: ['ignore', 'ignore', 'inherit'],
        env: {
          ...process.env,
          PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? '/bin/false',
          PRISMA_HIDE_UPDATE_MESSAGE: '1',
          CHECKPOINT_DISABLE: '1',
        },
      },
    );
  }
  console.log(`prisma: generated clients for ${PROVIDERS.join(' and ')}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) generate();
