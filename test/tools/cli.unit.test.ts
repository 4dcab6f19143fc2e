import { formatUsage, parseCommandLine, ScriptExit, type Usage } from '../../tools/cli';

const usage: Usage = {
  name: 'npm run thing',
  synopsis: ['npm run thing [-- DIR] [--stage <name>]'],
  description: 'Does the thing.',
  arguments: [['DIR', 'a folder']],
  options: [
    ['--stage <name>', 'a stage'],
    ['--dry', 'change nothing'],
  ],
  environment: [['THING_DIR', 'the folder']],
  examples: ['npm run thing -- --stage prod'],
};
const spec = {
  usage,
  options: { stage: { type: 'string' }, dry: { type: 'boolean' } },
  maxPositionals: 1,
} as const;

/** What parseCommandLine throws for `args`. */
function exitOf(args: readonly string[]): ScriptExit {
  try {
    parseCommandLine(spec, args);
  } catch (error: unknown) {
    if (error instanceof ScriptExit) return error;
    throw error;
  }
  throw new Error(`no ScriptExit for ${args.join(' ')}`);
}

describe('parseCommandLine', () => {
  it('gives the options and arguments of a correct command line', () => {
    // Act
    const { values, positionals } = parseCommandLine(spec, ['app', '--stage', 'prod', '--dry']);
    // Assess
    expect(values).toEqual({ stage: 'prod', dry: true });
    expect(positionals).toEqual(['app']);
  });

  it.each([['--help'], ['-h'], ['app', '--bogus', '--help'], ['-h', 'a', 'b']])(
    'answers %j with the usage on stdout and exit 0',
    (...args) => {
      // Act
      const exit = exitOf(args);
      // Assess
      expect(exit.code).toBe(0);
      expect(exit.stream).toBe('stdout');
      expect(exit.message).toBe(formatUsage(usage));
    },
  );

  it.each([
    [['--bogus'], 'unknown option --bogus'],
    [['-x'], 'unknown option -x'],
    [['--stage'], "Option '--stage <value>' argument missing"],
    [['--dry=yes'], '--dry takes no value'],
    [['--help=1'], '--help takes no value'],
    [['a', 'b'], 'unexpected argument "b"'],
  ])('refuses %j with exit 2, naming the mistake and pointing at --help', (args, mistake) => {
    // Act
    const exit = exitOf(args);
    // Assess
    expect(exit.code).toBe(2);
    expect(exit.stream).toBe('stderr');
    expect(exit.message).toBe(`npm run thing: ${mistake}\nSee \`npm run thing -- --help\`.`);
  });

  it('points at the help a usage names, for a subcommand that is asked differently', () => {
    // Prepare
    const sub = { ...spec, usage: { ...usage, help: 'npm run thing -- sub --help' } };
    // Act
    let exit: unknown;
    try {
      parseCommandLine(sub, ['--bogus']);
    } catch (error: unknown) {
      exit = error;
    }
    // Assess
    expect(exit).toBeInstanceOf(ScriptExit);
    expect((exit as ScriptExit).message).toBe(
      'npm run thing: unknown option --bogus\nSee `npm run thing -- sub --help`.',
    );
  });
});

describe('formatUsage', () => {
  it('has the synopsis, what it does, arguments, options with --help, environment and an example', () => {
    // Act
    const text = formatUsage(usage);
    // Assess
    expect(text.split('\n')).toEqual([
      'usage: npm run thing [-- DIR] [--stage <name>]',
      '',
      'Does the thing.',
      '',
      'Arguments:',
      '  DIR  a folder',
      '',
      'Options:',
      '  --stage <name>  a stage',
      '  --dry           change nothing',
      '  -h, --help      print this help and exit',
      '',
      'Environment:',
      '  THING_DIR  the folder',
      '',
      'Examples:',
      '  npm run thing -- --stage prod',
      '',
    ]);
  });
});
