import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { renderTemplate } from '../../../lib/app/template';
import { formatProblemLine, loadApp, readAppDir } from '../../../tools/app';
import { json } from './helpers';

/*
 * What an installation carries besides iparams, as the validator sees it: the template roots
 * current_host and app_settings, and config/iparams.json's regex and { label, value } options.
 */

const roots: string[] = [];
function appFolder(files: Readonly<Record<string, unknown>>): string {
  const root = mkdtempSync(join(tmpdir(), 'handshake-values-'));
  roots.push(root);
  for (const [name, value] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), json(value));
  }
  return root;
}
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const manifest = (...templates: string[]) => ({
  'platform-version': '3.1',
  modules: { common: { requests: Object.fromEntries(templates.map((name) => [name, {}])) } },
});

const load = (files: Readonly<Record<string, unknown>>) => {
  const { app, problems } = loadApp(readAppDir(appFolder(files)));
  return { app, lines: problems.map(formatProblemLine) };
};

describe('current_host and app_settings in request templates', () => {
  it('accepts the product host as the whole host and a setting anywhere, and renders both', () => {
    // Act
    const { app, lines } = load({
      'manifest.json': manifest('tickets'),
      'config/requests.json': {
        tickets: {
          schema: {
            method: 'GET',
            host: '<%= current_host.endpoint_urls.freshdesk %>',
            path: '/api/v2/tickets/<%= app_settings.view %>',
            headers: { 'X-Mode': '<%= app_settings.mode %>' },
            query: { per_page: '<%= app_settings.page_size %>' },
          },
        },
      },
    });
    // Assess
    expect(lines).toEqual([]);
    const template = app?.templates.get('tickets');
    if (template === undefined) throw new Error('template missing');
    const scope = {
      current_host: { endpoint_urls: { freshdesk: 'acme.freshdesk.com' } },
      app_settings: { view: 7 },
    };
    expect(renderTemplate(template.host, scope)).toBe('acme.freshdesk.com');
    expect(renderTemplate(template.path, scope)).toBe('/api/v2/tickets/7');
  });

  // app_settings.a.b is a field of a setting (Freshworks' two-way-SSL sample: app_settings.visa.username).
  it('refuses other shapes of the two names, each on its own line', () => {
    // Act
    const { app, lines } = load({
      'manifest.json': manifest('a'),
      'config/requests.json': {
        a: {
          schema: {
            method: 'GET',
            host: '<%= current_host.domain %>',
            path: '/<%= app_settings %>/<%= app_settings.a.b %>/<%= current_host.endpoint_urls %>',
          },
        },
      },
    });
    // Assess
    expect(app).toBeUndefined();
    expect(lines).toEqual([
      'error config/requests.json $.a.schema.host: host uses current_host.domain — allowed: current_host.endpoint_urls.PRODUCT (e.g. current_host.endpoint_urls.freshdesk)',
      'error config/requests.json $.a.schema.path: path uses app_settings — allowed: app_settings.KEY, or a field of it (app_settings.KEY.FIELD)',
      'error config/requests.json $.a.schema.path: path uses current_host.endpoint_urls — allowed: current_host.endpoint_urls.PRODUCT (e.g. current_host.endpoint_urls.freshdesk)',
    ]);
  });

  it('warns when the app settings choose the server, as the context does: the installation key sets both', () => {
    // Act
    const { app, lines } = load({
      'manifest.json': manifest('a', 'b'),
      'config/requests.json': {
        a: { schema: { method: 'GET', host: '<%= app_settings.host %>', path: '/' } },
        b: { schema: { method: 'GET', host: '<%= app_settings.tenant %>.example.com', path: '/' } },
      },
    });
    // Assess: a warning, not an error; a fixed domain is fine
    expect(app).toBeDefined();
    expect(lines).toEqual([
      'warning config/requests.json $.a.schema.host: host "<%= app_settings.host %>" lets the app settings (the installation key\'s holder sets them) choose the server — allowed: a fixed domain such as <%= app_settings.subdomain %>.example.com (the egress policy still refuses IP addresses and private networks)',
    ]);
  });

  it('keeps them out of oauth_config.json', () => {
    const { lines } = load({
      'manifest.json': manifest(),
      'config/oauth_config.json': {
        integrations: {
          crm: {
            client_id: 'id',
            client_secret: 'secret',
            authorize_url: 'https://<%= current_host.endpoint_urls.freshdesk %>/authorize',
            token_url: 'https://auth.example.com/token',
            token_type: 'account',
          },
        },
      },
    });
    expect(lines.join('\n')).toContain('authorize_url uses current_host.endpoint_urls.freshdesk');
  });
});

describe('config/iparams.json regex and options', () => {
  it('reads regex and type_attributes.regex with their messages, and { label, value } options as values', () => {
    // Act
    const { app, lines } = load({
      'manifest.json': manifest(),
      'config/iparams.json': {
        age: {
          display_name: 'Age',
          type: 'number',
          regex: { 'age-limit': '^[1-9][0-9]$', 'age-limit-error': 'The age must be between 10-99' },
        },
        domain: {
          display_name: 'Domain',
          type: 'domain',
          type_attributes: { product: 'freshdesk', regex: { sub: '^[a-z0-9-]+$' } },
        },
        region: {
          display_name: 'Region',
          type: 'dropdown',
          options: [
            { label: 'Europe', value: 'eu' },
            { label: 'United States', value: 'us' },
          ],
          default_value: 'eu',
        },
      },
    });
    // Assess
    expect(lines).toEqual([]);
    expect(app?.iparams.get('age')?.patterns).toEqual([
      { name: 'age-limit', source: '^[1-9][0-9]$', description: 'The age must be between 10-99' },
    ]);
    expect(app?.iparams.get('domain')?.patterns).toEqual([
      { name: 'sub', source: '^[a-z0-9-]+$', description: undefined },
    ]);
    expect(app?.iparams.get('region')?.options).toEqual(['eu', 'us']);
    // The labels are kept for a form, by index; options without labels keep none.
    expect(app?.iparams.get('region')?.optionLabels).toEqual(['Europe', 'United States']);
    expect(app?.iparams.get('age')?.optionLabels).toBeUndefined();
  });

  it('refuses a pattern that does not compile or cannot run in linear time, and takes one that backtracks elsewhere', () => {
    const { app, lines } = load({
      'manifest.json': manifest(),
      'config/iparams.json': {
        id: { display_name: 'Id', type: 'text', regex: { bad: '(', back: '(a)\\1', fine: '^(a+)+$' } },
        key: { display_name: 'Key', type: 'text', type_attributes: { regex: { ahead: '(?=x)y' } } },
      },
    });
    expect(app).toBeUndefined();
    expect(lines).toEqual([
      expect.stringContaining(
        '$.id.regex.bad: regex "(" is refused: it is not a valid JavaScript regular expression',
      ),
      expect.stringContaining('$.id.regex.back: regex "(a)\\\\1" is refused: it cannot run in linear time'),
      expect.stringContaining(
        '$.key.type_attributes.regex.ahead: regex "(?=x)y" is refused: it cannot run in linear time',
      ),
    ]);
  });

  it('refuses an option object with other keys', () => {
    const { app, lines } = load({
      'manifest.json': manifest(),
      'config/iparams.json': {
        region: { display_name: 'Region', type: 'dropdown', options: [{ label: 'Europe', id: 'eu' }] },
      },
    });
    expect(app).toBeUndefined();
    expect(lines.join('\n')).toContain('$.region.options');
  });
});
