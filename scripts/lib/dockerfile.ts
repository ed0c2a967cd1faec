/**
 * A static check of the production Dockerfile, for machines without Docker (scripts/compose.test.ts): the
 * properties issue 18 asks of the image, read from the instructions — not a linter, and no substitute for
 * `docker build` where Docker exists (README, "Production image").
 */

interface Instruction {
  op: string;
  args: string;
}

/** The instructions, continuation lines joined and comments dropped, split into stages at each FROM. */
function stagesOf(text: string): Instruction[][] {
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  const stages: Instruction[][] = [];
  for (const line of lines) {
    const t = line.trim();
    if (!t || t.startsWith('#')) continue;
    const m = /^(\w+)\s+(.*)$/.exec(t);
    if (!m) continue;
    const ins = { op: m[1]!.toUpperCase(), args: m[2]! };
    if (ins.op === 'FROM') stages.push([]);
    stages.at(-1)?.push(ins);
  }
  return stages;
}

/**
 * What is wrong with the Dockerfile `text` (empty when nothing): several stages; a final stage that takes the
 * build stage's production output (no `COPY . .`, no install), runs `node` on compiled JavaScript (no tsx), as a
 * non-root user, with a HEALTHCHECK; the build stage compiles the server and deploys production dependencies
 * only; files the build names exist (`exists`, relative to the repository root).
 */
export function dockerfileProblems(text: string, exists: (path: string) => boolean): string[] {
  const problems: string[] = [];
  const stages = stagesOf(text);
  if (stages.length < 2)
    problems.push('one stage only: the image carries the build and its dev dependencies');
  const final = stages.at(-1) ?? [];
  const build = stages.slice(0, -1).flat();
  const finalOps = (op: string) => final.filter((i) => i.op === op);

  const user = finalOps('USER').at(-1)?.args.trim();
  if (!user || user === 'root' || user === '0' || user.startsWith('0:'))
    problems.push('the final stage runs as root (no USER, or USER root)');
  const health = finalOps('HEALTHCHECK').at(-1)?.args ?? '';
  if (!/\bCMD\b/.test(health)) problems.push('the final stage has no HEALTHCHECK');

  const cmd = finalOps('CMD').at(-1)?.args ?? '';
  let argv: unknown = null;
  try {
    argv = JSON.parse(cmd);
  } catch {
    problems.push('CMD is not in exec form (a JSON array): signals would go to a shell, not to node');
  }
  if (/tsx|\.ts\b/.test(final.map((i) => i.args).join('\n')))
    problems.push('the final stage runs TypeScript through tsx');
  else if (Array.isArray(argv) && (argv[0] !== 'node' || !/\.m?js$/.test(String(argv[1]))))
    problems.push('CMD does not run compiled JavaScript with node');

  const copiesWorkspace = finalOps('COPY').some((i) => !/--from=/.test(i.args));
  const installs = finalOps('RUN').some((i) => /\b(pnpm|npm|yarn)\s+(install|i|ci|add)\b/.test(i.args));
  if (copiesWorkspace || installs)
    problems.push(
      "the final stage installs or copies the workspace instead of taking the build stage's production output",
    );

  if (stages.length >= 2) {
    const runs = build
      .filter((i) => i.op === 'RUN')
      .map((i) => i.args)
      .join('\n');
    if (!/scripts\/build\/server\.mjs/.test(runs))
      problems.push('the build stage does not compile the server');
    if (!/deploy\s+--prod|install\s+(--prod|--production)/.test(runs))
      problems.push('the build stage does not set production dependencies apart');
    for (const path of runs.match(/\b(?:scripts|deploy)\/[\w./-]+\.m?[jt]s\b/g) ?? [])
      if (!exists(path)) problems.push(`the build names ${path}, which does not exist`);
  }
  return problems;
}
