import { join } from 'node:path';
import { formatProblemLine, readAppDir } from '../../lib/app';
import { fromBundled, toBundled } from '../../lib/app/bundled';
import { loadApp } from '../../lib/app/load-folder';
import { printTemplate, renderTemplate } from '../../lib/app/template';
import { appFolders, FDK_APPS } from './helpers';

const folders = appFolders(FDK_APPS);
const load = (relative: string) => loadApp(readAppDir(join(FDK_APPS, relative)));

describe('the FDK sample apps', () => {
  it('are all found', () => {
    expect(folders.length).toBeGreaterThanOrEqual(19);
    expect(folders).toContain('oauth-samples/root');
  });

  it.each(folders)('%s validates with no error', (folder) => {
    // Act
    const { app, problems } = load(folder);
    // Assess
    const errors = problems.filter((problem) => problem.severity === 'error').map(formatProblemLine);
    expect(errors).toEqual([]);
    expect(app).toBeDefined();
  });

  it.each(folders)('%s comes back the same from the bundled form', (folder) => {
    // Prepare
    const { app } = load(folder);
    if (app === undefined) throw new Error(`${folder} is invalid`);
    // Act
    const rebuilt = fromBundled(JSON.parse(JSON.stringify(toBundled(app))));
    // Assess
    expect(rebuilt).toEqual(app);
  });

  it('oauth-samples/root has the asana and github integrations and four templates', () => {
    // Act
    const { app } = load('oauth-samples/root');
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
