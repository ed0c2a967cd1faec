/**
 * `npm run build:server`: the server as plain JavaScript in apps/server/dist, which `node` runs without tsx (the
 * production image runs only this). What tsc alone would not give:
 * - the server imports prisma/migrate.ts from outside its folder, so tsc compiles from the repository root and the
 *   tree keeps its shape (`dist/apps/server/src/…`, `dist/prisma/migrate.js`); `dist/main.js` and `dist/cli.js`
 *   are the entry points;
 * - `@seatrush/shared` exports its TypeScript sources: a compiled copy goes to `dist/node_modules/@seatrush/shared`,
 *   which Node finds first from any file under dist;
 * - files read at run time beside the code (Lua scripts, the API docs page, the Prisma schema and migrations) are
 *   copied next to the compiled files that read them;
 * - the generated Prisma client (apps/server/src/generated, from `prisma generate`) must exist first.
 * Relative `.ts` import specifiers become `.js` (tsc's rewriteRelativeImportExtensions); the build fails if any
 * `.ts` specifier is left in the output.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const server = join(root, 'apps', 'server');
const dist = join(server, 'dist');
const tsc = join(root, 'node_modules', '.bin', 'tsc');

function run(args) {
  const r = spawnSync(tsc, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`tsc ${args.join(' ')} failed`);
}

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else yield p;
  }
}

if (!existsSync(join(server, 'src', 'generated', 'prisma', 'client.ts')))
  throw new Error(
    'apps/server/src/generated is missing: `npm start` / `npm test` generate it, the Dockerfile runs `prisma generate`',
  );

rmSync(dist, { recursive: true, force: true });
run(['-p', 'apps/server/tsconfig.build.json']);
run(['-p', 'scripts/build/tsconfig.shared.json']);
const shared = join(dist, 'node_modules', '@seatrush', 'shared');
writeFileSync(
  join(shared, 'package.json'),
  `${JSON.stringify({ name: '@seatrush/shared', private: true, type: 'module', exports: { '.': './index.js' } }, null, 2)}\n`,
);

// Run-time assets beside the code that reads them.
const srcOut = join(dist, 'apps', 'server', 'src');
for (const f of files(join(server, 'src'))) {
  if (f.endsWith('.ts')) continue;
  const to = join(srcOut, relative(join(server, 'src'), f));
  mkdirSync(dirname(to), { recursive: true });
  cpSync(f, to);
}
cpSync(join(root, 'prisma', 'schema.prisma'), join(dist, 'prisma', 'schema.prisma'));
cpSync(join(root, 'prisma', 'migrations'), join(dist, 'prisma', 'migrations'), { recursive: true });

writeFileSync(
  join(dist, 'main.js'),
  "// The server's entry point (see scripts/build/server.mjs).\nimport './apps/server/src/main.js';\n",
);
writeFileSync(
  join(dist, 'cli.js'),
  "// The operator CLI's entry point (see scripts/build/server.mjs).\nimport './apps/server/src/cli/index.js';\n",
);

const left = [];
for (const f of files(dist))
  if (f.endsWith('.js') && /(?:from\s*|import\s*\(\s*)['"][^'"]+\.ts['"]/.test(readFileSync(f, 'utf8')))
    left.push(relative(root, f));
if (left.length) throw new Error(`TypeScript import specifiers left in the build: ${left.join(', ')}`);
console.log(
  `server built in ${relative(root, dist)} (node ${relative(root, join(dist, 'main.js'))} --role web|worker|all)`,
);
