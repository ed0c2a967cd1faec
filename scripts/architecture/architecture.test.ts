import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import eslintConfig from '../../eslint.config.js';
import { checkArchitecture } from './check.mjs';
import { processEnvOnlyInConfig } from './rules.mjs';

// Each fixture under fixtures/ is a tiny tree laid out like the repository with one kind of forbidden import;
// the checks run on it exactly as `npm run lint` runs them on the repository.
const here = dirname(fileURLToPath(import.meta.url));
const fixture = (name: string) => join(here, 'fixtures', name);
const root = join(here, '..', '..');

async function violations(name: string) {
  const { violations } = await checkArchitecture(fixture(name));
  // A package's resolved path (…/node_modules/.pnpm/<id>/node_modules/ioredis/built/index.js) shown as its name.
  const named = (to?: string) => to?.replace(/^.*\/node_modules\/((@[^/]+\/)?[^/]+)\/.*$/, '$1');
  return violations.map((v) => ({ rule: v.rule, from: v.from, to: named(v.to) }));
}

describe('import boundaries (dependency-cruiser + folder cycles)', () => {
  it('passes a tree that keeps every rule, and leaves the generated client alone', async () => {
    expect(await violations('clean')).toEqual([]);
  });

  it('fails a file cycle made of type-only imports', async () => {
    expect(await violations('file-cycle')).toEqual([
      {
        rule: 'no-circular',
        from: 'apps/web/src/seatmap/model.ts',
        to: 'apps/web/src/seatmap/view.ts',
      },
    ]);
  });

  it('fails a cycle between two server folders that no file cycle shows', async () => {
    const { violations } = await checkArchitecture(fixture('folder-cycle'));
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ rule: 'folder-cycle', path: ['auth', 'orders', 'auth'] });
    expect(violations[0]?.message).toContain(
      'apps/server/src/auth/principal.ts → apps/server/src/orders/ids.ts',
    );
  });

  it('fails an import from a lower layer into a higher one (inventory → http)', async () => {
    expect(await violations('upward-import')).toEqual([
      {
        rule: 'layers/storage-import-downward',
        from: 'apps/server/src/inventory/inventory.ts',
        to: 'apps/server/src/http/route.ts',
      },
    ]);
  });

  it('fails adapters that import inventory keys, db/redis.ts or ioredis', async () => {
    const found = await violations('adapter-redis');
    expect(found).toHaveLength(3);
    expect(found).toEqual(
      expect.arrayContaining([
        {
          rule: 'adapters-no-redis',
          from: 'apps/server/src/http/holds.ts',
          to: 'apps/server/src/inventory/keys.ts',
        },
        {
          rule: 'adapters-no-redis',
          from: 'apps/server/src/realtime/server.ts',
          to: 'apps/server/src/db/redis.ts',
        },
        { rule: 'adapters-no-redis', from: 'apps/server/src/http/holds.ts', to: 'ioredis' },
      ]),
    );
  });

  it('fails domain/ importing express, db/ or the generated client (zod is fine)', async () => {
    const found = await violations('domain-infra');
    expect(found.map((v) => v.to).sort()).toEqual([
      'apps/server/src/db/prisma.ts',
      'apps/server/src/generated/prisma/client.ts',
      'express',
    ]);
    expect(new Set(found.map((v) => v.rule))).toEqual(new Set(['domain-is-pure']));
  });

  it('fails a top-level server folder that is in no layer', async () => {
    expect(await violations('unplaced-folder')).toEqual([
      { rule: 'layers/folder-has-a-layer', from: 'apps/server/src/holds/hold-seats.ts', to: undefined },
    ]);
  });
});

describe('process.env only in config/ (ESLint)', () => {
  // The same config object eslint.config.js spreads in, applied to a fixture root instead of the repository's.
  const lint = async (name: string) => {
    const eslint = new ESLint({
      cwd: fixture(name),
      overrideConfigFile: true,
      overrideConfig: [
        { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
        processEnvOnlyInConfig,
      ],
    });
    const results = await eslint.lintFiles(['.']);
    return results.flatMap((r) =>
      r.messages.map((m) => ({
        file: r.filePath.slice(fixture(name).length + 1),
        rule: m.ruleId,
        line: m.line,
      })),
    );
  };

  it('is the very object eslint.config.js uses', () => {
    expect(eslintConfig).toContain(processEnvOnlyInConfig);
  });

  it('fails each way of reading process.env outside config/, and allows it inside', async () => {
    const found = await lint('process-env');
    expect(
      found.every((m) => m.file === 'apps/server/src/http/env.ts' && m.rule === 'no-restricted-syntax'),
    ).toBe(true);
    // import { env }, process.env, process['env'], globalThis.process.env, const { env } = process
    expect(found.map((m) => m.line)).toEqual([1, 3, 4, 5, 6]);
  });

  it('passes the clean tree', async () => {
    expect(await lint('clean')).toEqual([]);
  });
});

describe('npm run lint', () => {
  it('runs the architecture check', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { lint: string } };
    expect(pkg.scripts.lint).toContain('node scripts/architecture/check.mjs');
  });
});
