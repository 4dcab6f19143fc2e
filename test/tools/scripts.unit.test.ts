import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/*
 * The scripts as a newcomer runs them: each answers --help, refuses what it does not know with
 * exit 2, and says what is missing rather than printing nothing.
 */

const REPO = resolve(__dirname, '../..');
const TSX = join(REPO, 'node_modules/.bin/tsx');
const SCRIPTS = ['validate', 'secrets', 'admin-key', 'egress-ips'] as const;

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'handshake-scripts-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A fresh, empty folder under the scratch folder. */
const emptyDir = (name: string): string => {
  const dir = join(scratch, name);
  mkdirSync(dir);
  return dir;
};

function run(script: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, input = '') {
  const base = { ...process.env };
  for (const name of Object.keys(base)) if (/^(AWS_|HANDSHAKE_|APP_DIR$)/.test(name)) delete base[name];
  return spawnSync(TSX, [join(REPO, 'tools', `${script}.ts`), ...args], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...base, HANDSHAKE_DATA_DIR: join(scratch, 'unused'), ...env },
    input,
  });
}

describe.each(SCRIPTS)('npm run %s', (script) => {
  // -h for one script only: the flags are the same code (test/tools/cli.unit.test.ts).
  it.each(script === 'validate' ? ['--help', '-h'] : ['--help'])(
    'answers %s with its usage and exit 0',
    (flag) => {
      // Act
      const result = run(script, [flag]);
      // Assess
      expect(result.status).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(new RegExp(`^usage: npm run (-s )?${script}`));
      for (const part of ['Options:', '-h, --help', 'Environment:', 'Examples:']) {
        expect(result.stdout).toContain(part);
      }
    },
  );

  it('refuses an unknown option with exit 2, naming it and pointing at --help', () => {
    // Act
    const result = run(script, ['--frobnicate']);
    // Assess
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `npm run ${script}: unknown option --frobnicate\nSee \`npm run ${script} -- --help\`.\n`,
    );
  });

  it('takes --stage with a value and refuses it without one', () => {
    // Act
    const result = run(script, ['--stage']);
    // Assess
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--stage');
  });
});

describe('npm run validate', () => {
  it('accepts and ignores --stage', () => {
    // Act
    const result = run('validate', ['app', '--stage', 'prod']);
    // Assess
    expect(result.status).toBe(0);
    // The sample app's off-platform differences (the migration check) come before the summary.
    expect(result.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^✓ app\/ is valid: 3 integrations, 7 templates, 2 iparams \(\d+ warnings\)$/,
    );
  });

  it('says so when the folder does not exist', () => {
    // Act
    const result = run('validate', [join(scratch, 'no-such-app')]);
    // Assess
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`there is no folder ${join(scratch, 'no-such-app')}/`);
  });

  it('names all four problems of one template in one run', () => {
    // Prepare
    const dir = emptyDir('four-problems');
    mkdirSync(join(dir, 'config'));
    const declared = { 'platform-version': '3.1', modules: { common: { requests: { getThing: {} } } } };
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(declared));
    writeFileSync(
      join(dir, 'config/requests.json'),
      JSON.stringify({
        getThing: {
          schema: { method: 'FETCH', host: '10.0.0.1', path: 'no-slash' },
          options: { maxAttempts: 9 },
        },
      }),
    );
    // Act
    const result = run('validate', [dir]);
    // Assess
    const lines = result.stdout.trimEnd().split('\n');
    expect(result.status).toBe(1);
    expect(lines.map((line) => /^error config\/requests\.json (\S+):/.exec(line)?.[1])).toEqual([
      '$.getThing.schema.method',
      '$.getThing.options.maxAttempts',
      '$.getThing.schema.host',
      '$.getThing.schema.path',
      undefined,
    ]);
    expect(lines.at(-1)).toBe(`✗ ${dir}/ is invalid: 4 errors`);
  });
});

describe('npm run egress-ips', () => {
  it('asks which stage, with exit 2, before it asks AWS anything', () => {
    // Act
    const result = run('egress-ips', []);
    // Assess
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('--stage is required');
  });
});

describe('npm run admin-key', () => {
  it('says there is no key yet, and what to do, in an empty data folder', () => {
    // Prepare
    const dir = emptyDir('no-key-yet');
    // Act
    const result = run('admin-key', [], { HANDSHAKE_DATA_DIR: dir });
    // Assess
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`no local admin key yet in ${join(dir, 'secrets.json')}`);
    expect(result.stderr).toContain('npm start');
    expect(result.stderr).toContain('HANDSHAKE_ADMIN_KEY');
  });

  it('says the data folder does not exist when it does not', () => {
    // Prepare
    const dir = join(scratch, 'never-created');
    // Act
    const result = run('admin-key', [], { HANDSHAKE_DATA_DIR: dir });
    // Assess
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`the data folder ${dir} does not exist`);
    expect(result.stderr).toContain('HANDSHAKE_DATA_DIR');
  });

  it('prints the key and nothing else when there is one', () => {
    // Prepare
    const dir = emptyDir('with-key');
    writeFileSync(join(dir, 'secrets.json'), JSON.stringify({ 'admin-key': 'hsa_test-key' }));
    // Act
    const result = run('admin-key', [], { HANDSHAKE_DATA_DIR: dir });
    // Assess
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('hsa_test-key\n');
    expect(result.stderr).toBe('');
  });

  it('refuses --region without --stage', () => {
    // Act
    const result = run('admin-key', ['--region', 'eu-west-1']);
    // Assess
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--region goes with --stage');
  });
});

describe('npm run secrets', () => {
  it.each([
    [[], 'give a command: list, set, remove, webhook-secret, rotate-keys'],
    [
      ['frobnicate'],
      'unknown command "frobnicate"; the commands are list, set, remove, webhook-secret, rotate-keys',
    ],
    [['list', 'extra'], 'unexpected argument "extra" after list'],
    [['list', '--client-id', 'x'], '--client-id does not go with list'],
  ])('refuses %j with exit 2', (args, mistake) => {
    // Act
    const result = run('secrets', args, { HANDSHAKE_DATA_DIR: join(scratch, 'unused') });
    // Assess
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`npm run secrets: ${mistake}\nSee \`npm run secrets -- --help\`.\n`);
  });
});

describe('npm run secrets, on the local store', () => {
  it('prints the webhook-signing secret and nothing else', () => {
    // Prepare
    const dir = emptyDir('webhook');
    writeFileSync(join(dir, 'secrets.json'), JSON.stringify({ 'webhook-signing': 'whsec_test' }));
    // Act
    const result = run('secrets', ['webhook-secret'], { HANDSHAKE_DATA_DIR: dir });
    // Assess
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('whsec_test\n');
  });

  it('stores client credentials read from stdin, and lists them without the secret', () => {
    // Prepare
    const dir = emptyDir('credentials');
    const env = { HANDSHAKE_DATA_DIR: dir, APP_DIR: join(REPO, 'app') };
    // Act
    const set = run('secrets', ['set', 'hubspot', '--client-id', 'cid-1'], env, 'the-secret\n');
    const list = run('secrets', ['list'], env);
    // Assess
    expect(set.status).toBe(0);
    expect(set.stderr).toContain('Stored the client credentials of "hubspot"');
    expect(list.stdout).toBe('hubspot\tclient_id=cid-1\n');
    expect(readFileSync(join(dir, 'secrets.json'), 'utf8')).toContain('the-secret');
  });
});

describe('npm run build and deploy', () => {
  const scripts = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).scripts as Record<
    string,
    string
  >;

  it.each(['build', 'deploy'])(
    '%s leaves --stage to the command line (serverless.yml defaults it)',
    (name) => {
      // `npm run build -- --stage prod` appends to the last command: a --stage of its own is a duplicate.
      const script = scripts[name] ?? '';
      expect(script).toMatch(/^tsx tools\/validate\.ts && serverless (package|deploy)$/);
      expect(readFileSync(join(REPO, 'serverless.yml'), 'utf8')).toMatch(/stage: \$\{opt:stage, 'dev'\}/);
    },
  );
});

describe.each([
  ['start', 'start.ts', 'npm start'],
  ['event', 'event.ts', 'npm run event'],
  ['docs-tour', 'docs-tour.ts', 'npm run docs-tour'],
  ['bench', 'bench/index.ts', 'npm run bench'],
  ['hs', 'hs/index.ts', 'npm run hs'],
])('npm run %s', (_name, file, shown) => {
  const spawnScript = (args: readonly string[]) =>
    spawnSync(TSX, [join(REPO, 'tools', file), ...args], { cwd: REPO, encoding: 'utf8', timeout: 30_000 });

  it('answers --help with its usage before it starts anything, and exit 0', () => {
    const result = spawnScript(['--help']);
    expect([result.status, result.stderr]).toEqual([0, '']);
    expect(result.stdout).toMatch(/^usage: npm (run (-s )?)?[\w-]+/);
    expect(result.stdout).toContain('Examples:');
  });

  it('refuses an unknown option with exit 2, naming it and pointing at --help', () => {
    const result = spawnScript(['--frobnicate']);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`${shown}: unknown option --frobnicate\nSee \`${shown} -- --help\`.\n`);
  });
});

describe('npm run event', () => {
  const event = (args: readonly string[]) =>
    spawnSync(TSX, [join(REPO, 'tools', 'event.ts'), ...args], { cwd: REPO, encoding: 'utf8' });

  it('points a payload at the installation and key given', () => {
    const result = event(['installations/get', '--id', 'in_abcdefghijklmnopqrst', '--key', 'hsa_mine']);
    expect(result.status).toBe(0);
    const payload = JSON.parse(result.stdout) as {
      rawPath: string;
      pathParameters: Record<string, string>;
      headers: Record<string, string>;
      requestContext: { http: { path: string } };
    };
    expect(payload.rawPath).toBe('/installations/in_abcdefghijklmnopqrst');
    expect(payload.requestContext.http.path).toBe('/installations/in_abcdefghijklmnopqrst');
    expect(payload.pathParameters.id).toBe('in_abcdefghijklmnopqrst');
    expect(payload.headers.authorization).toBe('Bearer hsa_mine');
  });

  it('refuses a payload outside events/, an unknown one and an id of the wrong shape', () => {
    for (const [args, message] of [
      [['../package'], 'events/../package.json does not exist'],
      [['nope'], 'events/nope.json does not exist'],
      [['invoke', '--id', 'x; rm -rf /'], '--id must be an installation id like in_…'],
    ] as const) {
      const result = event(args);
      expect([args, result.status]).toEqual([args, 2]);
      expect(result.stderr).toContain(message);
      expect(result.stdout).toBe('');
    }
  });
});
