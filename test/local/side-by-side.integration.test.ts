/**
 * Two `npm start` instances in one checkout — other PORT, data dir and APP_DIR — and a
 * `serverless package` beside them: each keeps serving its own app, and `invoke local` acts on
 * the instance of the data dir it is given, relative or absolute.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { BUILDS, buildFolderOf } from '../../infra/local-environment.cjs';
import { createFileSecretSource } from '../../lib/secrets/file';
import { freePort } from '../../tools/local/dynamodb-local';
import { forInstallation, loadEvent, withAuthorization } from '../support/events';
import { REPO_ROOT } from '../support/local-env';
import {
  bin,
  invokeLocal,
  run,
  type Started,
  startLocal,
  stopLocal,
  userEnv,
} from '../support/local-instance';

interface Instance {
  readonly name: string;
  readonly port: number;
  /** As given in HANDSHAKE_DATA_DIR: relative to the repository root for one of the two. */
  readonly dataDirGiven: string;
  readonly dataDir: string;
  readonly env: NodeJS.ProcessEnv;
  started?: Started;
}

const scratch = mkdtempSync(join(tmpdir(), 'handshake-side-by-side-'));
const instances: Instance[] = [];

/** The sample app with HubSpot renamed, so a page tells which app an instance serves. */
function renamedApp(): string {
  const dir = join(scratch, 'app-two');
  cpSync(join(REPO_ROOT, 'app'), dir, { recursive: true });
  const file = join(dir, 'config', 'oauth_config.json');
  const config = JSON.parse(readFileSync(file, 'utf8')) as {
    integrations: Record<string, { display_name: string }>;
  };
  (config.integrations.hubspot as { display_name: string }).display_name = 'HubSpot Two';
  writeFileSync(file, JSON.stringify(config, null, 2));
  return dir;
}

async function instance(
  name: string,
  extra: Record<string, string>,
  relativeDir: boolean,
): Promise<Instance> {
  const port = await freePort();
  const dataDir = join(scratch, `data-${name}`);
  const dataDirGiven = relativeDir ? relative(REPO_ROOT, dataDir) : dataDir;
  // HubSpot's client, set before the first start as `npm run secrets -- set hubspot` would.
  await createFileSecretSource(dataDir).put(
    'client-credentials',
    JSON.stringify({ hubspot: { client_id: `client-${name}`, client_secret: `secret-${name}` } }),
  );
  const env = userEnv({ PORT: String(port), HANDSHAKE_DATA_DIR: dataDirGiven, ...extra });
  return { name, port, dataDirGiven, dataDir, env };
}

const api = (at: Instance, path: string, init: RequestInit = {}) =>
  fetch(`http://127.0.0.1:${at.port}${path}`, init);
const adminKeyOf = async (at: Instance) =>
  (await createFileSecretSource(at.dataDir).get('admin-key')) as string;

async function connectPageTitle(at: Instance): Promise<string> {
  const admin = { authorization: `Bearer ${await adminKeyOf(at)}`, 'content-type': 'application/json' };
  const created = await api(at, '/installations', {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({ iparams: { freshservice_domain: 'acme', freshservice_api_key: 'fs-key' } }),
  });
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: string };
  const link = await api(at, `/installations/${id}/connect-links`, {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({ integration: 'hubspot' }),
  });
  expect(link.status).toBe(201);
  const { url } = (await link.json()) as { url: string };
  expect(url.startsWith(`http://localhost:${at.port}/connect/`)).toBe(true);
  const page = await api(at, new URL(url).pathname);
  expect(page.status).toBe(200);
  return /<h1[^>]*>([^<]*)<\/h1>/.exec(await page.text())?.[1] ?? '';
}

beforeAll(async () => {
  instances.push(await instance('one', {}, true));
  instances.push(await instance('two', { APP_DIR: renamedApp() }, false));
  const started = await Promise.all(instances.map((at) => startLocal(at.env)));
  started.forEach((s, i) => {
    (instances[i] as Instance).started = s;
  });
}, 240_000);

afterAll(async () => {
  await Promise.allSettled(instances.map((at) => (at.started ? stopLocal(at.started) : undefined)));
  rmSync(scratch, { recursive: true, force: true });
});

describe('two npm start instances in one checkout', () => {
  it('each serve their own app, and keep doing so while the stack is packaged beside them', async () => {
    const [one, two] = instances as [Instance, Instance];
    expect(await connectPageTitle(one)).toBe('Connect HubSpot');
    expect(await connectPageTitle(two)).toBe('Connect HubSpot Two');

    const packaged = await run(bin('serverless'), ['package', '--stage', 'prod'], {
      cwd: REPO_ROOT,
      env: userEnv(),
      timeout: 180_000,
    });
    expect(packaged.stderr + packaged.stdout).toContain('packaged');
    expect(existsSync(join(REPO_ROOT, '.serverless', 'health.zip'))).toBe(true);

    for (const at of [one, two]) {
      const health = await api(at, '/health');
      expect([at.name, health.status, await health.json()]).toEqual([
        at.name,
        200,
        expect.objectContaining({ ok: true }),
      ]);
    }
    expect(await connectPageTitle(one)).toBe('Connect HubSpot');
    expect(await connectPageTitle(two)).toBe('Connect HubSpot Two');
    // The package left only the instances' build folders behind it.
    expect(readdirSync(join(REPO_ROOT, '.esbuild')).filter((name) => name.startsWith('run-'))).toEqual([]);
  }, 300_000);

  it('lets invoke local act on the instance of a relative data dir, with its port in new links', async () => {
    const [one] = instances as [Instance];
    const admin = await adminKeyOf(one);
    const created = await invokeLocal(
      'installations',
      loadEvent('installations.json', withAuthorization(`Bearer ${admin}`)),
      one.env,
    );
    expect(created.code).toBe(0);
    expect(created.stdout + created.stderr).not.toContain('admin key secret is missing');
    expect(created.result().statusCode).toBe(201);
    const { id } = JSON.parse(created.result().body) as { id: string };

    // The running instance sees what invoke local wrote: the same table in the same DynamoDB.
    expect(
      (await api(one, `/installations/${id}`, { headers: { authorization: `Bearer ${admin}` } })).status,
    ).toBe(200);
    const link = await invokeLocal(
      'installations',
      loadEvent('installations/connect-link.json', (event) => {
        forInstallation(id)(event);
        withAuthorization(`Bearer ${admin}`)(event);
        event.body = JSON.stringify({ integration: 'hubspot' });
      }),
      one.env,
    );
    expect(link.result().statusCode).toBe(201);
    expect(JSON.parse(link.result().body).url).toMatch(
      new RegExp(`^http://localhost:${one.port}/connect/hcl_`),
    );
  }, 240_000);

  it('refuses invoke local where no instance runs, saying what to start, and leaves no build behind', async () => {
    const nowhere = join(scratch, 'never-started');
    const refused = await invokeLocal(
      'health',
      loadEvent('health.json'),
      userEnv({ HANDSHAKE_DATA_DIR: nowhere }),
    );
    expect(refused.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toContain(`HANDSHAKE_DATA_DIR=${nowhere} npm start`);
    expect(readdirSync(join(REPO_ROOT, '.esbuild')).filter((name) => name.startsWith('run-'))).toEqual([]);
  }, 120_000);

  it('prints one line per request, none of serverless-offline noise, and a line when stopped', async () => {
    const [one, two] = instances as [Instance, Instance];
    const output = one.started?.output() ?? '';
    expect(output).toMatch(/\d\d:\d\d:\d\d {2}POST \/installations {2}201/);
    expect(output).not.toContain('(λ:');
    expect(output).not.toContain('RequestId:');
    expect(output).not.toContain('"_aws"');
    // HubSpot's client was set before the start; the other two integrations are named, with the command.
    expect(output).toContain('not set up: freshservice, google');
    expect(output).toContain(
      `printf %s "$CLIENT_SECRET" | HANDSHAKE_DATA_DIR=${one.dataDir} npm run secrets -- set google --client-id <id>`,
    );
    expect(existsSync(join(REPO_ROOT, BUILDS, buildFolderOf(two.dataDir)))).toBe(true);
    expect(await stopLocal(two.started as Started)).toBe(0);
    expect(two.started?.output()).toContain('Stopped.');
    // Its bundles go with it (every start builds anew); the other instance's stay.
    expect(existsSync(join(REPO_ROOT, BUILDS, buildFolderOf(two.dataDir)))).toBe(false);
    expect(existsSync(join(REPO_ROOT, BUILDS, buildFolderOf(one.dataDir)))).toBe(true);
  }, 60_000);
});
