/** The bench's command line, kept free of lib/ so it loads (and is tested) without starting anything. */
import { parseCommandLine, type Usage, usageError } from '../cli';

/** Every section, in the order `npm run bench` runs them. */
export const SECTION_NAMES = ['refresh', 'fan-out', 'invoke', 'console', 'cold-start'] as const;
export type SectionName = (typeof SECTION_NAMES)[number];

export const USAGE: Usage = {
  name: 'npm run bench',
  synopsis: ['npm run bench [-- <section> …]'],
  description: [
    'Runs the benchmark sections on this machine (all, or those named) and prints Markdown for',
    'docs/BENCHMARKS.md: the machine, then one part per section with its targets. Starts its own',
    'DynamoDB Local and servers; exits 1 when a section measured a wrong result or failed.',
  ].join('\n'),
  arguments: [['<section>', SECTION_NAMES.join(', ')]],
  examples: ['npm run bench', 'npm run bench -- invoke'],
};

const isSection = (name: string): name is SectionName => (SECTION_NAMES as readonly string[]).includes(name);

/** The sections `args` name, in run order (all when none); throws ScriptExit for --help or a mistake. */
export function chosenSections(args: readonly string[]): SectionName[] {
  const { positionals } = parseCommandLine(
    { usage: USAGE, options: {}, maxPositionals: SECTION_NAMES.length },
    args,
  );
  const unknown = positionals.filter((name) => !isSection(name));
  if (unknown.length > 0) {
    usageError(USAGE, `unknown section ${unknown.join(', ')}; known: ${SECTION_NAMES.join(', ')}`);
  }
  return SECTION_NAMES.filter((name) => positionals.length === 0 || positionals.includes(name));
}
