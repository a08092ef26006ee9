/**
 * Prisma CLI configuration for `npm run studio` (passed with `--config prisma/prisma.config.ts`).
 * Prisma 7 reads the database URL for Studio from here, not from schema.prisma. DATABASE_URL is
 * required: src/db/studio-command.ts sets it to Postgres's URL, or to a local socket it serves the
 * embedded PGlite database on. `npm run prisma:generate` does not use this file. Relative paths are
 * resolved from this file's directory.
 */
import { defineConfig, env } from 'prisma/config';

export default defineConfig({
  schema: 'schema.prisma',
  migrations: { path: 'migrations' },
  datasource: { url: env('DATABASE_URL') },
});
