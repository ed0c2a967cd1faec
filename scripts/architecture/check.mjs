/**
 * `node scripts/architecture/check.mjs [root]`: the import boundaries of rules.mjs, checked with
 * dependency-cruiser, plus what its rules cannot say: no cycle between the top-level folders of apps/server/src
 * (each file collapsed to its folder) and no top-level folder left out of the layer table. Exits 1 on a violation.
 * `checkArchitecture` is what `npm run lint` and the fixture test both run.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise } from 'dependency-cruiser';
import { cruiseOptions, isTestFile, roots, serverLayers, serverSrc } from './rules.mjs';

/**
 * @typedef {{ rule: string, message: string, from: string, to?: string, path?: string[] }} Violation
 */

/**
 * Checks the tree at `baseDir` (the repository, or a fixture laid out like it).
 * @param {string} baseDir
 * @returns {Promise<{ violations: Violation[], modules: number }>}
 */
export async function checkArchitecture(baseDir) {
  const present = roots.filter((root) => existsSync(join(baseDir, root)));
  if (present.length === 0) throw new Error(`None of ${roots.join(', ')} exists under ${baseDir}.`);
  const { output } = await cruise(present, { ...cruiseOptions, baseDir });
  if (typeof output === 'string') throw new Error('dependency-cruiser returned a report, not a result.');

  /** @type {Violation[]} */
  const violations = output.summary.violations.map((v) => ({
    rule: v.rule.name,
    message: v.comment ?? ruleComment(v.rule.name),
    from: v.from,
    to: v.to,
    ...(v.cycle ? { path: [v.from, ...v.cycle.map((step) => step.name)] } : {}),
  }));

  /** @type {{ from: string, to: string }[]} */
  const edges = [];
  for (const module of output.modules) {
    for (const dependency of module.dependencies)
      edges.push({ from: module.source, to: dependency.resolved });
  }
  const serverFiles = output.modules.map((m) => m.source).filter((s) => s.startsWith(`${serverSrc}/`));
  violations.push(...unplacedFolders(serverFiles), ...folderCycles(edges));
  return { violations, modules: output.modules.length };
}

/** @param {string} name */
const ruleComment = (name) => cruiseOptions.ruleSet?.forbidden?.find((r) => r.name === name)?.comment ?? '';

/** `apps/server/src/orders/core.ts` → `orders`; a file at the src root stays itself (`main.ts`). */
const topOf = (/** @type {string} */ path) =>
  path.startsWith(`${serverSrc}/`) ? path.slice(serverSrc.length + 1).split('/')[0] : undefined;

const placed = new Set(serverLayers.flatMap((l) => l.folders));

/** @param {string[]} files */
function unplacedFolders(files) {
  const unplaced = new Map();
  for (const file of files) {
    const top = topOf(file);
    if (top && file !== `${serverSrc}/${top}` && !placed.has(top) && !unplaced.has(top))
      unplaced.set(top, file);
  }
  return [...unplaced].map(([folder, file]) => ({
    rule: 'layers/folder-has-a-layer',
    message: `${serverSrc}/${folder}/ is in no layer: add it to serverLayers in scripts/architecture/rules.mjs.`,
    from: file,
  }));
}

/**
 * Collapses every edge between two top-level entries of apps/server/src (tests left out) and reports each
 * strongly connected group of folders, with one shortest cycle through it and a file import for each step.
 * @param {{ from: string, to: string }[]} edges
 * @returns {Violation[]}
 */
export function folderCycles(edges) {
  /** @type {Map<string, Map<string, string>>} folder → folder → "file → file" that makes the step */
  const graph = new Map();
  for (const { from, to } of edges) {
    const a = topOf(from);
    const b = topOf(to);
    if (!a || !b || a === b || isTestFile(from)) continue;
    if (!graph.has(a)) graph.set(a, new Map());
    const next = /** @type {Map<string, string>} */ (graph.get(a));
    if (!next.has(b)) next.set(b, `${from} → ${to}`);
  }
  return stronglyConnected(graph)
    .filter((group) => group.length > 1)
    .map((group) => {
      const cycle = shortestCycle(graph, new Set(group));
      const steps = cycle.slice(1).map((to, i) => graph.get(/** @type {string} */ (cycle[i]))?.get(to) ?? '');
      return {
        rule: 'folder-cycle',
        message:
          `Folders ${group.sort().join(', ')} import each other (type imports count). One cycle: ` +
          `${cycle.join(' → ')}, through ${steps.join('; ')}.`,
        from: `${serverSrc}/${cycle[0]}`,
        path: cycle,
      };
    });
}

/** Tarjan's algorithm. @param {Map<string, Map<string, string>>} graph */
function stronglyConnected(graph) {
  let counter = 0;
  /** @type {Map<string, { index: number, low: number }>} */
  const seen = new Map();
  /** @type {string[]} */
  const stack = [];
  const onStack = new Set();
  /** @type {string[][]} */
  const groups = [];
  /** @param {string} node */
  const visit = (node) => {
    const entry = { index: counter, low: counter };
    counter += 1;
    seen.set(node, entry);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      const known = seen.get(next);
      if (!known) {
        visit(next);
        entry.low = Math.min(entry.low, /** @type {{ low: number }} */ (seen.get(next)).low);
      } else if (onStack.has(next)) {
        entry.low = Math.min(entry.low, known.index);
      }
    }
    if (entry.low === entry.index) {
      /** @type {string[]} */
      const group = [];
      let top;
      do {
        top = /** @type {string} */ (stack.pop());
        onStack.delete(top);
        group.push(top);
      } while (top !== node);
      groups.push(group);
    }
  };
  for (const node of [...graph.keys()].sort()) if (!seen.has(node)) visit(node);
  return groups;
}

/**
 * The shortest cycle inside `group` that starts at its alphabetically first folder (breadth-first search).
 * @param {Map<string, Map<string, string>>} graph
 * @param {Set<string>} group
 */
function shortestCycle(graph, group) {
  const start = [...group].sort()[0] ?? '';
  /** @type {Map<string, string>} */
  const parent = new Map();
  const queue = [start];
  while (queue.length > 0) {
    const node = /** @type {string} */ (queue.shift());
    for (const next of [...(graph.get(node)?.keys() ?? [])].sort()) {
      if (!group.has(next)) continue;
      if (next === start) {
        const path = [node];
        while (path[0] !== start)
          path.unshift(/** @type {string} */ (parent.get(/** @type {string} */ (path[0]))));
        return [...path, start];
      }
      if (!parent.has(next)) {
        parent.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start];
}

/**
 * A package's resolved path (…/node_modules/.pnpm/<id>/node_modules/ioredis/built/index.js) as `ioredis`.
 * @param {string} path
 */
const shorten = (path) => path.replace(/^.*\/?node_modules\/((@[^/]+\/)?[^/]+)\/.*$/, '$1');

/** @param {Violation} v */
export function formatViolation(v) {
  const where = v.path ? v.path.join(' → ') : v.to ? `${v.from} → ${shorten(v.to)}` : v.from;
  return `  ${v.rule}: ${where}\n      ${v.message}`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const baseDir = resolve(process.argv[2] ?? join(fileURLToPath(import.meta.url), '../../..'));
  const { violations, modules } = await checkArchitecture(baseDir);
  if (violations.length === 0) {
    console.log(`architecture: ${modules} modules, no boundary violations.`);
  } else {
    console.error(violations.map(formatViolation).join('\n'));
    console.error(
      `\narchitecture: ${violations.length} boundary violation(s) (rules: scripts/architecture/rules.mjs).`,
    );
    process.exitCode = 1;
  }
}
