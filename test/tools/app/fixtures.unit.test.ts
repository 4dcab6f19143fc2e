import { join } from 'node:path';
import { fromBundled, toBundled } from '../../../lib/app/bundled';
import { printTemplate, renderTemplate } from '../../../lib/app/template';
import { formatProblemLine, loadApp, readAppDir } from '../../../tools/app';
import { appFolders, FDK_APPS, FDK_SAMPLES } from './helpers';

const folders = appFolders(FDK_APPS);
const load = (relative: string) => loadApp(readAppDir(join(FDK_APPS, relative)));

/**
 * The samples written with an oauth_iparam as the whole host of their provider URLs and the
 * operator's client credentials: the person who connects would choose the server that receives
 * the client secret, so each must declare handshake.allowed_hosts (SPEC §6).
 */
const WHOLE_HOST_FROM_IPARAM = ['oauth-samples/root'];
const valid = folders.filter((folder) => !WHOLE_HOST_FROM_IPARAM.includes(folder));

/** A sample with `"handshake": { "allowed_hosts": [...] }` added to the named integrations: the one-line fix. */
function loadWithAllowedHosts(relative: string, patterns: Readonly<Record<string, readonly string[]>>) {
  const files = readAppDir(join(FDK_APPS, relative));
  const config = JSON.parse(files.files['config/oauth_config.json'] ?? '{}') as {
    integrations: Record<string, Record<string, unknown>>;
  };
  for (const [name, hosts] of Object.entries(patterns)) {
    const integration = config.integrations[name];
    if (integration !== undefined) integration.handshake = { allowed_hosts: hosts };
  }
  return loadApp({ ...files, files: { ...files.files, 'config/oauth_config.json': JSON.stringify(config) } });
}

describe('the FDK sample apps', () => {
  it('are all found', () => {
    expect(folders.length).toBeGreaterThanOrEqual(19);
    expect(folders).toContain('oauth-samples/root');
  });

  it.each(valid)('%s validates with no error', (folder) => {
    // Act
    const { app, problems } = load(folder);
    // Assess
    const errors = problems.filter((problem) => problem.severity === 'error').map(formatProblemLine);
    expect(errors).toEqual([]);
    expect(app).toBeDefined();
  });

  it.each(valid)('%s comes back the same from the bundled form', (folder) => {
    // Prepare
    const { app } = load(folder);
    if (app === undefined) throw new Error(`${folder} is invalid`);
    // Act
    const rebuilt = fromBundled(JSON.parse(JSON.stringify(toBundled(app))));
    // Assess
    expect(rebuilt).toEqual(app);
  });

  it('oauth-samples/root fails on each whole-host URL, naming allowed_hosts and the other way out', () => {
    // Act
    const { app, problems } = load('oauth-samples/root');
    // Assess
    expect(app).toBeUndefined();
    const errors = problems.filter((problem) => problem.severity === 'error');
    expect(errors.map((problem) => problem.path)).toEqual([
      '$.integrations.asana.authorize_url',
      '$.integrations.asana.token_url',
      '$.integrations.github.authorize_url',
      '$.integrations.github.token_url',
    ]);
    for (const problem of errors) {
      expect(problem.file).toBe('config/oauth_config.json');
      expect(problem.message).toContain('choose the whole host');
      expect(problem.allowed).toContain('"allowed_hosts": [');
      expect(problem.allowed).toContain('client_id and client_secret from oauth_iparams');
    }
  });

  it('oauth-samples/root validates with allowed_hosts added, and survives the bundled form', () => {
    // Act
    const { app, problems } = loadWithAllowedHosts('oauth-samples/root', {
      asana: ['app.asana.com'],
      github: ['github.com'],
    });
    // Assess
    expect(problems.filter((problem) => problem.severity === 'error')).toEqual([]);
    if (app === undefined) throw new Error('still invalid');
    expect(fromBundled(JSON.parse(JSON.stringify(toBundled(app))))).toEqual(app);
    expect(app.integrations.get('asana')?.settings.allowedHosts).toEqual([
      { domain: 'app.asana.com', subdomains: false, port: undefined },
    ]);
  });

  it('oauth-samples/root has the asana and github integrations and four templates', () => {
    // Act
    const { app } = loadWithAllowedHosts('oauth-samples/root', {
      asana: ['app.asana.com'],
      github: ['github.com'],
    });
    // Assess
    expect(app?.oauthConfigFormat).toBe('integrations');
    expect([...(app?.integrations.keys() ?? [])]).toEqual(['asana', 'github']);
    const asana = app?.integrations.get('asana');
    expect(asana?.displayName).toBe('Asana');
    expect(asana?.options).toEqual({ scope: 'default' });
    expect(asana?.oauthIparams.map((field) => field.name)).toEqual(['host']);
    expect(asana && renderTemplate(asana.tokenUrl, { oauth_iparams: { host: 'app.asana.com' } })).toBe(
      'https://app.asana.com/-/oauth_token',
    );
    expect(app?.templates.get('create_github_issue')?.oauth).toBe('github');
    expect(app?.templates.get('get_asana_projects')?.query.size).toBe(0);
    expect(app?.iparams.get('asana_projects')?.type).toBe('multiselect');
  });

  it('request-template-with-oauth uses the single configuration as integration "default"', () => {
    // Act
    const { app } = load('request-method-samples/request-template-with-oauth');
    // Assess
    expect(app?.oauthConfigFormat).toBe('single');
    expect([...(app?.integrations.keys() ?? [])]).toEqual(['default']);
    const template = app?.templates.get('asanaGetWorkspace');
    expect(template?.oauth).toBe('default');
    expect(template && printTemplate(template.headers.get('Authorization') ?? template.host)).toBe(
      'bearer <%= access_token %>',
    );
    const integration = app?.integrations.get('default');
    expect(integration && renderTemplate(integration.clientId, { oauth_iparams: { client_id: 'cid' } })).toBe(
      'cid',
    );
    expect(integration?.oauthIparams.every((field) => field.required)).toBe(true);
  });

  it('multi_config_oauth_app falls back when the installer leaves client_id empty', () => {
    const integration = load('marketplace-sample-apps/multi_config_oauth_app').app?.integrations.get(
      'default',
    );
    expect(integration && renderTemplate(integration.clientId, { oauth_iparams: { client_id: '' } })).toBe(
      'xxxxxxx',
    );
  });

  it('request-method-samples/freshdesk has templates without OAuth and a secure iparam used in a header', () => {
    const { app } = load('request-method-samples/freshdesk');
    expect(app?.oauthConfigFormat).toBe('none');
    expect(app?.templates.get('getContacts')?.oauth).toBeUndefined();
    expect(app?.templates.get('starwarsStarshipSearch')?.query.has('search')).toBe(true);
    expect(app?.iparams.get('api_key')?.secure).toBe(true);
    expect(app?.platformVersion).toBe('2.3');
  });

  it('freshsales_oauth_app joins array options with the scope separator and warns', () => {
    // Act
    const { app, problems } = load('marketplace-sample-apps/freshsales_oauth_app');
    // Assess
    expect(app?.integrations.get('default')?.options.redirect_uris).toBe(
      'http://localhost:10001/auth/callback https://oauth.freshdev.io/auth/callback',
    );
    expect(problems.map((problem) => problem.path)).toEqual([
      '$.options.redirect_uris',
      '$.options.javascript_origins',
    ]);
  });

  it('sample-app warns once per iparam it uses without an iparams.json, and about the host from context', () => {
    const { problems } = load('request-method-samples/sample-app');
    expect(problems.every((problem) => problem.severity === 'warning')).toBe(true);
    expect(problems.filter((problem) => problem.message.includes('iparam.subdomain'))).toHaveLength(1);
    expect(problems.map((problem) => problem.path)).toContain('$.dynamicHost.schema.host');
  });

  it('names an app without handshake.json after its folder', () => {
    expect(load('marketplace-sample-apps/Github_Issue_Creator').app?.name).toBe('Github Issue Creator');
  });
});

/**
 * The public samples, every one of which validates now (issue 17 built what they needed: FDK
 * path semantics, current_host, app_settings, options.security), each also surviving the
 * bundled form. A new sample is listed here or the first test fails.
 */
const SAMPLES_VALID = [
  'auto-resume',
  'azure-ad-ai-actions',
  'oauth-skeleton',
  'request-method-samples/nexus-connect-hub',
  'request-method-samples/playground',
  'request-method-samples/two-way-ssl',
];

describe('the public Freshworks samples (test/fixtures/fdk-samples)', () => {
  const samples = appFolders(FDK_SAMPLES);
  const loadSample = (relative: string) => loadApp(readAppDir(join(FDK_SAMPLES, relative)));

  it('are each listed', () => {
    expect([...SAMPLES_VALID].sort()).toEqual(samples);
    expect(samples.length).toBeGreaterThanOrEqual(6);
  });

  it.each(SAMPLES_VALID)('%s validates with no error and survives the bundled form', (folder) => {
    // Act
    const { app, problems } = loadSample(folder);
    // Assess
    expect(problems.filter((problem) => problem.severity === 'error').map(formatProblemLine)).toEqual([]);
    if (app === undefined) throw new Error(`${folder} is invalid`);
    expect(fromBundled(JSON.parse(JSON.stringify(toBundled(app))))).toEqual(app);
  });

  it('the Azure AD actions app keeps its /v1.0 prefix before the context path', () => {
    const { app } = loadSample('azure-ad-ai-actions');
    const template = app?.templates.get('graphApiGet');
    expect(template && printTemplate(template.path)).toBe('/v1.0<%= context.path %>');
    expect(template?.oauth).toBe('microsoft_graph');
  });

  it('the two-way-SSL sample takes its client certificate and key from app settings', () => {
    const { app } = loadSample('request-method-samples/two-way-ssl');
    const tls = app?.templates.get('visaGetForexRate')?.tls;
    expect([tls?.cert?.source, tls?.key?.source]).toEqual([
      '<%= app_settings.visa.cert %>',
      '<%= app_settings.visa.key %>',
    ]);
  });
});
