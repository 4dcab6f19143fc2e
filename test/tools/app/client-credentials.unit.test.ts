import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { formatProblemLine, loadApp, readAppDir } from '../../../tools/app';
import { json } from './helpers';

/* The validator's word on token_type "client", the client-credentials grant (issue 18). */

const roots: string[] = [];

afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function load(crm: Readonly<Record<string, unknown>>) {
  const root = mkdtempSync(join(tmpdir(), 'client-credentials-'));
  roots.push(root);
  const files = {
    'manifest.json': { 'platform-version': '3.1', modules: { common: { requests: {} } } },
    'config/oauth_config.json': { integrations: { crm } },
  };
  for (const [name, value] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), json(value));
  }
  return loadApp(readAppDir(root));
}

const client = {
  client_id: 'id',
  client_secret: 'secret',
  token_url: 'https://auth.example.com/token',
  token_type: 'client',
};

describe('token_type "client"', () => {
  it('needs no authorize_url', () => {
    const loaded = load(client);
    expect(loaded.problems.map(formatProblemLine)).toEqual([]);
    expect(loaded.app?.integrations.get('crm')?.tokenType).toBe('client');
  });

  it('accepts an authorize_url it never uses', () => {
    expect(load({ ...client, authorize_url: 'https://auth.example.com/authorize' }).problems).toEqual([]);
  });

  it('explains a missing authorize_url of an account integration, naming client as the way out', () => {
    const lines = load({ ...client, token_type: 'account' }).problems.map(formatProblemLine);
    expect(lines).toEqual([
      'error config/oauth_config.json $.integrations.crm.authorize_url: authorize_url is missing: token_type "account" sends a person to the provider to connect — allowed: an absolute https URL, or token_type "client" for the client-credentials grant (no person, no connect page)',
    ]);
  });

  it('refuses oauth_iparams: nobody fills in a connect page', () => {
    const lines = load({
      ...client,
      oauth_iparams: { tenant: { display_name: 'Tenant', type: 'text' } },
    }).problems.map(formatProblemLine);
    expect(lines).toEqual([
      'error config/oauth_config.json $.integrations.crm.oauth_iparams: oauth_iparams cannot be used with token_type "client": no person fills in a connect page — allowed: no oauth_iparams; put fixed values in the URLs, and per-installation ones in iparams',
    ]);
  });

  it('lists client among the token types', () => {
    const [line] = load({ ...client, token_type: 'machine' }).problems.map(formatProblemLine);
    expect(line).toMatch(/\$\.integrations\.crm\.token_type: .*allowed: account, agent, client/);
  });
});
