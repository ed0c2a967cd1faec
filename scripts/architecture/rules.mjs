/**
 * The import boundaries `npm run lint` keeps (issue 13). One policy, read by three users: check.mjs (the
 * dependency-cruiser rules and the folder-cycle check), eslint.config.js (`processEnvOnlyInConfig`) and the fixture
 * test beside this file, which runs both against small bad trees under fixtures/ so a rule that stops firing fails
 * the test. Paths are relative to the repository root (or to a fixture's root, which mirrors the repository).
 */

/** Where the cycle checks look. */
export const roots = ['apps/server/src', 'apps/web/src', 'packages/shared/src'];

export const serverSrc = 'apps/server/src';

/**
 * The layers of apps/server/src, top first. A folder imports its own layer (as long as no folder cycle forms; the
 * folder-cycle check decides) or any layer below it, never one above. Files at the src root and cli/ (the command
 * line's entry point) are the composition roots. A top-level folder missing from this table is reported, so a new
 * folder has to be placed on purpose.
 */
export const serverLayers = [
  { name: 'composition', folders: ['cli'], rootFiles: true },
  { name: 'adapters', folders: ['http', 'realtime', 'jobs'] },
  { name: 'use cases', folders: ['application'] },
  { name: 'services', folders: ['auth', 'catalog', 'orders', 'payments', 'integrations'] },
  { name: 'storage', folders: ['inventory', 'queue', 'audit', 'waiting-room', 'mail'] },
  { name: 'base', folders: ['db', 'config', 'domain', 'observability', 'generated'] },
];

/**
 * The generated Prisma client: not scanned (its files import each other), but kept as a leaf so imports of it
 * still meet the rules. (`exclude` would drop those imports too: domain/ → generated/ would go unseen.)
 */
export const generatedPath = `^${serverSrc}/generated/`;

const testFile = '\\.(int\\.)?test\\.tsx?$';

/**
 * A package, found either by its resolved path (`…/node_modules/<name>/…`, also inside pnpm's `.pnpm/<id>/`) or by
 * the bare name dependency-cruiser keeps when it cannot resolve it.
 * @param {string} names a regular-expression alternation of package names
 */
export const npmPackage = (names) => `(^|/)node_modules/(${names})/|^(${names})(/|$)`;

/** @param {{ folders: string[], rootFiles?: boolean }} layer */
const layerPath = (layer) => {
  const parts = [];
  if (layer.folders.length > 0) parts.push(`^${serverSrc}/(${layer.folders.join('|')})/`);
  if (layer.rootFiles) parts.push(`^${serverSrc}/[^/]+$`);
  return parts.join('|');
};

/** "Folders import downward only": one rule per layer, forbidding every layer above it. */
const layerRules = serverLayers.slice(1).map((layer, i) => {
  const above = serverLayers.slice(0, i + 1);
  return {
    name: `layers/${layer.name.replace(' ', '-')}-import-downward`,
    severity: 'error',
    comment: `${layer.name} (${layer.folders.join(', ')}) may not import ${above.map((l) => l.name).join(' or ')}.`,
    from: { path: layerPath(layer), pathNot: testFile },
    to: { path: above.map(layerPath).join('|') },
  };
});

/** @type {import('dependency-cruiser').IForbiddenRuleType[]} */
export const forbidden = [
  {
    name: 'no-circular',
    severity: 'error',
    comment:
      'Files import each other (type-only imports count): move the shared part down into its own module.',
    from: {},
    to: { circular: true },
  },
  ...layerRules,
  {
    name: 'adapters-no-redis',
    severity: 'error',
    comment:
      'Adapters (http/, realtime/, jobs/) call use cases and inventory operations; Redis, its keys and ioredis ' +
      'stay behind inventory/ and queue/.',
    from: { path: `^${serverSrc}/(http|realtime|jobs)/`, pathNot: testFile },
    to: { path: `^${serverSrc}/inventory/keys\\.ts$|^${serverSrc}/db/redis\\.ts$|${npmPackage('ioredis')}` },
  },
  {
    name: 'domain-is-pure',
    severity: 'error',
    comment:
      'domain/ imports only domain/, @seatrush/shared, zod and node builtins: no express, socket.io, ioredis, ' +
      'bullmq, prisma, pg, pino, nor any other src folder.',
    from: { path: `^${serverSrc}/domain/`, pathNot: testFile },
    to: {
      pathNot: [`^${serverSrc}/domain/`, '^packages/shared/src/', npmPackage('@seatrush/shared|zod')],
      dependencyTypesNot: ['core'],
    },
  },
];

/** @type {import('dependency-cruiser').ICruiseOptions} */
export const cruiseOptions = {
  validate: true,
  ruleSet: { forbidden },
  // Type-only imports are dependencies too: `import type` both ways is still a knot to a reader.
  tsPreCompilationDeps: true,
  doNotFollow: { path: ['node_modules', generatedPath] },
  enhancedResolveOptions: {
    exportsFields: ['exports'],
    conditionNames: ['import', 'types', 'node', 'default'],
    extensions: ['.ts', '.tsx', '.d.ts', '.js', '.mjs', '.cjs', '.json'],
  },
};

/** Tests beside the code may reach upward (a route test builds the container); they are not part of the layering. */
export const isTestFile = (/** @type {string} */ path) => new RegExp(testFile).test(path);

/**
 * Only config/ reads the environment; everything else is handed a parsed `Config`. Spread into eslint.config.js.
 * @type {import('eslint').Linter.Config}
 */
export const processEnvOnlyInConfig = {
  name: 'seatrush/process-env-only-in-config',
  files: [`${serverSrc}/**/*.{ts,tsx,js,mjs}`],
  ignores: [`${serverSrc}/config/**`],
  rules: {
    'no-restricted-syntax': [
      'error',
      ...[
        "MemberExpression[object.name='process'][property.name='env']",
        "MemberExpression[object.name='process'][property.value='env']",
        "MemberExpression[object.property.name='process'][property.name='env']",
        "VariableDeclarator[init.name='process'] > ObjectPattern > Property[key.name='env']",
        "ImportDeclaration[source.value=/^(node:)?process$/] > ImportSpecifier[imported.name='env']",
      ].map((selector) => ({
        selector,
        message:
          'Only apps/server/src/config/ reads process.env: take the value from Config (configFromEnv()).',
      })),
    ],
  },
};
