import { helpText, parseOptions, redact, UsageError } from './options.ts';
import { rehearse } from './run.ts';

/** `npm run rehearse -- …` and `npm run seatrush -- rehearse …` (docs/rehearsal.md). */
async function main(argv: string[]): Promise<number> {
  let options;
  try {
    options = parseOptions(argv, process.env);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`rehearse: ${e.message}\n\n${helpText()}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${helpText()}\n`);
    return 0;
  }
  const result = await rehearse(options, {
    out: process.stdout,
    env: process.env,
    command: `rehearse ${redact(argv).join(' ')}`,
  });
  return result.exitCode;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`rehearse: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
