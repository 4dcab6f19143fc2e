import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { AppFiles } from '../../../tools/app';
import { formatProblem } from '../../../tools/app';
import { checkMigration, readAppSources } from '../../../tools/app/migration';
import { PLATFORM_FEATURES } from '../../../tools/app/migration/code';
import { lineOfKeys } from '../../../tools/app/migration/locate';
import { filesOf, json } from './helpers';

const FDK_APP = resolve(__dirname, '../../fixtures/migration/fdk-app');
const NO_CODE = { code: {}, present: [] };

const manifest = (requests: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
  json({ 'platform-version': '3.0', modules: { common: { requests, ...extra } } });

/** The migration findings of an app, each as `file:line path: message`. */
function findings(files: AppFiles['files'], sources: Parameters<typeof checkMigration>[1] = NO_CODE) {
  return checkMigration(filesOf(files), sources).map((problem) => {
    expect(problem.severity).toBe('warning');
    return formatProblem(problem).split(' — allowed: ')[0] ?? '';
  });
}

const template = (path: string, options?: Record<string, unknown>) => ({
  schema: { method: 'GET', host: 'api.example.com', path },
  ...(options ? { options } : {}),
});

describe('the migration check', () => {
  it('finds nothing in an app that uses nothing platform-specific', () => {
    expect(
      findings({
        'manifest.json': manifest({ ping: {} }),
        'config/requests.json': json({ ping: template('/ping') }),
      }),
    ).toEqual([]);
  });

  it('names a templated path with its line and the literal start it must keep', () => {
    const requests = json({ ping: template('/ping'), graph: template('/v1.0<%= context.path %>') });
    expect(findings({ 'manifest.json': manifest(), 'config/requests.json': requests })).toEqual([
      `config/requests.json:${lineOfKeys(requests, ['graph', 'schema', 'path'])} $.graph.schema.path: path "/v1.0<%= context.path %>" takes a value: FDK sends any value, Handshake refuses (400 APP, nothing sent) one that would leave "/v1.0"`,
    ]);
    expect(lineOfKeys(requests, ['graph', 'schema', 'path'])).toBe(13);
  });

  it('names a template on an agent-level integration, and the integration itself', () => {
    const oauth = json({
      integrations: {
        crm: {
          client_id: '<%= oauth_iparams.id %>',
          client_secret: '<%= oauth_iparams.secret %>',
          authorize_url: 'https://crm.example.com/a',
          token_url: 'https://crm.example.com/t',
          token_type: 'agent',
        },
      },
    });
    const requests = json({ mine: template('/me', { oauth: 'crm' }) });
    expect(findings({ 'config/oauth_config.json': oauth, 'config/requests.json': requests })).toEqual([
      'config/oauth_config.json:8 $.integrations.crm.token_type: "crm" holds a token per agent: FDK asked each agent to authorize in the product, Handshake needs a connect link per agent',
      'config/requests.json:8 $.mine.options: template "mine" uses the agent-level integration "crm": FDK picked the agent\'s token from the product, Handshake cannot know which agent is calling',
    ]);
  });

  it('names a client secret written in the file without quoting it, but not the placeholder', () => {
    const oauth = (secret: string) =>
      json({
        client_id: 'x',
        client_secret: secret,
        authorize_url: 'https://a.example.com',
        token_type: 'account',
      });
    const [line, ...others] = findings({ 'config/oauth_config.json': oauth('s3cr3t-value') });
    expect(others).toEqual([]);
    expect(line).toBe(
      'config/oauth_config.json:3 $.client_secret: the client secret of "default" is written in the file, which FDK shipped in the app pack; Handshake takes the client credentials from Secrets Manager, which wins over the file',
    );
    expect(
      JSON.stringify(checkMigration(filesOf({ 'config/oauth_config.json': oauth('s3cr3t-value') }), NO_CODE)),
    ).not.toContain('s3cr3t');
    expect(findings({ 'config/oauth_config.json': oauth('set-with-npm-run-secrets') })).toEqual([]);
  });

  it("names FDK's redirect URL and Basic client authentication built in customHeaders", () => {
    const oauth = json({
      integrations: {
        crm: {
          client_id: 'set-with-npm-run-secrets',
          client_secret: 'set-with-npm-run-secrets',
          options: {
            redirect_uris: 'https://oauth.freshdev.io/auth/callback',
            customHeaders: { Authorization: 'Basic eDp5' },
          },
        },
      },
    });
    expect(findings({ 'config/oauth_config.json': oauth })).toEqual([
      "config/oauth_config.json:7: https://oauth.freshdev.io/auth/callback is FDK's redirect URL, which Handshake never receives",
      'config/oauth_config.json:9 $.integrations.crm.options.customHeaders.Authorization: "crm" builds Basic client authentication by hand in options.customHeaders, from credentials in the file',
    ]);
  });

  // regex is enforced by POST /installations, so it is no difference (and is not reported).
  it('names each iparam attribute Handshake ignores', () => {
    const iparams = json({
      domain: { display_name: 'Domain', type: 'text', regex: { r: '^x$' }, visible: false },
      key: {
        display_name: 'Key',
        type: 'text',
        events: [{ change: 'onKey' }],
        'data-bind': 'x',
        modules: ['a'],
      },
    });
    expect(
      findings({ 'config/iparams.json': iparams }).map((line) => line.split(', which')[0] ?? ''),
    ).toEqual([
      'config/iparams.json:8 $.domain.visible: iparam "domain" has visible',
      'config/iparams.json:13 $.key.events: iparam "key" has events',
      'config/iparams.json:18 $.key.data-bind: iparam "key" has data-bind',
      'config/iparams.json:19 $.key.modules: iparam "key" has modules',
    ]);
  });

  it('names a custom installation page', () => {
    expect(findings({}, { code: {}, present: ['config/iparams.html'] })).toEqual([
      'config/iparams.html:1: the custom installation page is not served: Handshake has no install page, and sets only iparams declared in config/iparams.json',
    ]);
  });

  it('names the events, functions and locations of a manifest, on both platforms', () => {
    const v3 = manifest({}, { events: { onAppInstall: {} }, functions: { a: {}, b: {} } });
    const v2 = json({
      'platform-version': '2.3',
      product: { freshdesk: { location: { ticket_sidebar: {} } } },
    });
    expect(findings({ 'manifest.json': v3 })).toEqual([
      'manifest.json:6 $.modules.common.events: events onAppInstall of modules.common run on the Freshworks platform only: Handshake ignores them',
      'manifest.json:9 $.modules.common.functions: functions a, b of modules.common run on the Freshworks platform only: Handshake ignores them',
    ]);
    expect(findings({ 'manifest.json': v2 })).toEqual([
      'manifest.json:5 $.product.freshdesk.location: location ticket_sidebar of product.freshdesk run on the Freshworks platform only: Handshake ignores them',
    ]);
  });

  it('names an invokeTemplate of a template requests.json lacks, or the manifest does not declare', () => {
    const code = {
      'server/server.js': [
        "await $request.invokeTemplate('known', {});",
        'await $request.invokeTemplate("hidden", {});',
        'await client.request.invokeTemplate(`missing`, {});',
        'await $request.invokeTemplate(name, {});',
      ].join('\n'),
    };
    const files = {
      'manifest.json': manifest({ known: {} }),
      'config/requests.json': json({ known: template('/k'), hidden: template('/h') }),
    };
    expect(findings(files, { code, present: [] })).toEqual([
      'server/server.js:2: $request.invokeTemplate("hidden") names a template manifest.json does not declare: Handshake answers TEMPLATE_NOT_DECLARED',
      'server/server.js:3: client.request.invokeTemplate("missing") names a template config/requests.json does not define: Handshake answers TEMPLATE_NOT_DECLARED',
    ]);
  });

  it.each([
    ['$db', 'await $db.set("k", {});'],
    ['$schedule', 'await $schedule.create({});'],
    ['$request.invoke', "await $request.invoke('other', {});"],
    ['client.request.invoke', "await client.request.invoke('fn', {});"],
    ['the legacy request API', "await client.request.get('https://x.example.com', {});"],
    ['client.db', "await client.db.get('k');"],
    ["the product's front-end API", "client.interface.trigger('showNotify', {});"],
    ['renderData', 'renderData(null, {});'],
  ])('names %s in the code, once per file with a count', (name, line) => {
    // Prepare
    const code = { 'app/scripts/app.js': `// first\n${line}\n${line}\n` };
    // Act
    const found = findings({}, { code, present: [] });
    // Assess
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^app\/scripts\/app\.js:2: /);
    expect(found[0]).toContain(`${name} (used 2 times, first here)`);
  });

  it('has a test for every platform feature it knows', () => {
    expect(PLATFORM_FEATURES.map((feature) => feature.name)).toEqual([
      '$db',
      '$schedule',
      '$request.invoke',
      'client.request.invoke',
      'the legacy request API',
      'client.db',
      "the product's front-end API",
      'renderData',
    ]);
  });

  it('reads server/ and app/ code of a folder, without tests or dependencies', () => {
    const sources = readAppSources(FDK_APP);
    expect(Object.keys(sources.code)).toEqual(['server/server.js', 'app/scripts/app.js']);
    expect(sources.present).toEqual(['config/iparams.html']);
  });
});

describe('npm run validate with the migration check', () => {
  const repo = resolve(__dirname, '../../..');
  const run = (dir: string) =>
    spawnSync(join(repo, 'node_modules/.bin/tsx'), [join(repo, 'tools/validate.ts'), dir], {
      cwd: repo,
      encoding: 'utf8',
    });

  it('prints each difference as a warning with its file and line, and still exits 0', () => {
    // Act
    const result = run(FDK_APP);
    // Assess
    expect(result.status).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    const header = lines.findIndex((line) => line.startsWith('Off the Freshworks platform'));
    expect(lines[header]).toBe('Off the Freshworks platform (17 differences):');
    const differences = lines.slice(header + 1, -1);
    expect(differences).toHaveLength(17);
    for (const line of differences) expect(line).toMatch(/^warning [\w./-]+:\d+[ :]/);
    expect(differences).toContain(
      'warning server/server.js:11: $request.invokeTemplate("createNote") names a template config/requests.json does not define: Handshake answers TEMPLATE_NOT_DECLARED — allowed: getTicket, listAgents, exportReport',
    );
    expect(lines.at(-1)).toBe(`✓ ${FDK_APP}/ is valid: 1 integration, 2 templates, 2 iparams (18 warnings)`);
  });
});
