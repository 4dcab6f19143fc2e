import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TlsSources } from '../../../lib/app/model';
import { formatProblemLine, loadApp, readAppDir } from '../../../tools/app';
import { json } from './helpers';

/* options.security of config/requests.json: TLS material, always from secure iparams. */

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function load(security: unknown) {
  const root = mkdtempSync(join(tmpdir(), 'handshake-security-'));
  roots.push(root);
  const files: Record<string, unknown> = {
    'manifest.json': { 'platform-version': '3.1', modules: { common: { requests: { partner: {} } } } },
    'config/iparams.json': {
      partner_ca: { display_name: 'Partner CA', type: 'paragraph', required: true, secure: true },
      client_cert: { display_name: 'Client certificate', type: 'paragraph', required: true, secure: true },
      client_key: { display_name: 'Client key', type: 'paragraph', required: true, secure: true },
      key_passphrase: { display_name: 'Key passphrase', type: 'text', required: false, secure: true },
      region: { display_name: 'Region', type: 'text', required: false },
    },
    'config/requests.json': {
      partner: {
        schema: { method: 'GET', host: 'partner.example.com', path: '/v1/accounts' },
        options: { security },
      },
    },
  };
  for (const [name, value] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), json(value));
  }
  const { app, problems } = loadApp(readAppDir(root));
  return { template: app?.templates.get('partner'), lines: problems.map(formatProblemLine) };
}

const sources = (tls: TlsSources | undefined) =>
  tls === undefined
    ? undefined
    : Object.fromEntries(Object.entries(tls).map(([field, t]) => [field, t.source]));

const at = (field: string) => `error config/requests.json $.partner.options.security${field}:`;

describe('options.security', () => {
  it('names the secure iparams that hold the CA, the client certificate, its key and passphrase', () => {
    const { template, lines } = load({
      ca: '<%= iparam.partner_ca %>',
      cert: '<%= iparam.client_cert %>',
      key: '<%=iparam.client_key%>',
      passphrase: '<%= iparam.key_passphrase %>',
    });
    expect(lines).toEqual([]);
    expect(sources(template?.tls)).toEqual({
      ca: '<%= iparam.partner_ca %>',
      cert: '<%= iparam.client_cert %>',
      key: '<%=iparam.client_key%>',
      passphrase: '<%= iparam.key_passphrase %>',
    });
  });

  it('takes app settings, nested, as Freshworks’ two-way-SSL sample writes them', () => {
    const { template, lines } = load({
      cert: '<%= app_settings.visa.cert %>',
      key: '<%= app_settings.visa.key %>',
    });
    expect(lines).toEqual([]);
    expect(sources(template?.tls)).toEqual({
      cert: '<%= app_settings.visa.cert %>',
      key: '<%= app_settings.visa.key %>',
    });
  });

  it('takes a CA alone (a private server CA, no client certificate)', () => {
    expect(sources(load({ ca: '<%= iparam.partner_ca %>' }).template?.tls)).toEqual({
      ca: '<%= iparam.partner_ca %>',
    });
  });

  it.each([
    [
      'PEM written in the app folder',
      { ca: '-----BEGIN CERTIFICATE-----\nMIIB…' },
      '.ca',
      'is neither a secure iparam nor an app setting',
    ],
    [
      'text around the iparam',
      { ca: 'x<%= iparam.partner_ca %>' },
      '.ca',
      'is neither a secure iparam nor an app setting',
    ],
    ['a context value', { ca: '<%= context.ca %>' }, '.ca', 'is neither a secure iparam nor an app setting'],
    ['an iparam that is not secure', { ca: '<%= iparam.region %>' }, '.ca', 'iparam.region is not secure'],
    [
      'app_settings itself',
      { ca: '<%= app_settings %>' },
      '.ca',
      'is neither a secure iparam nor an app setting',
    ],
    ['an undefined iparam', { ca: '<%= iparam.nope %>' }, '.ca', 'iparam.nope is not defined'],
    ['a certificate without its key', { cert: '<%= iparam.client_cert %>' }, '', 'needs its key'],
    [
      'a passphrase without a key',
      { ca: '<%= iparam.partner_ca %>', passphrase: '<%= iparam.key_passphrase %>' },
      '.passphrase',
      'a passphrase without a key',
    ],
    ['nothing at all', {}, '', 'options.security is empty'],
  ])('refuses %s', (_label, security, field, message) => {
    const { template, lines } = load(security);
    expect(template).toBeUndefined();
    expect(lines).toContainEqual(expect.stringContaining(`${at(field)} `));
    expect(lines.join('\n')).toContain(message);
  });

  it('refuses an unknown key and says which are allowed', () => {
    const { lines } = load({ pfx: '<%= iparam.partner_ca %>' });
    expect(lines.join('\n')).toMatch(/options\.security.*pfx.*ca, cert, key, passphrase/s);
  });
});
