// For machines that have Prisma's native schema engine (`prisma migrate deploy`, `migrate status`,
// `studio`). Offline, use prisma/migrate.ts instead; it reads the same schema and migrations.
// Run the CLI from the root as apps/server/node_modules/.bin/prisma (the prisma package belongs
// to apps/server), or from apps/server with `pnpm exec prisma ... --config ../../prisma.config.ts`.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  // Not env('DATABASE_URL'): that throws when the variable is unset, which would break commands
  // that need no database, such as `prisma generate`.
  datasource: { url: process.env.DATABASE_URL },
});
