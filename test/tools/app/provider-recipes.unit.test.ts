import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderTemplate } from '../../../lib/app';
import { formatProblemLine, loadApp, readAppDir } from '../../../tools/app';

/**
 * docs/providers.md is a set of recipes, one `## ` section per provider. Every fenced block opened
 * with ```json <file> (e.g. ```json config/oauth_config.json) is the exact content of that file in
 * the recipe's app folder, test/fixtures/provider-recipes/<integration>/. The folders must load
 * without errors, and the docs must equal them, so neither can drift from the other.
 */
const REPO = resolve(__dirname, '../../..');
const RECIPES = join(REPO, 'test/fixtures/provider-recipes');
const PROVIDERS_DOC = join(REPO, 'docs/providers.md');

interface FileBlock {
  readonly section: string;
  readonly file: string;
  readonly line: number;
  readonly value: unknown;
}

const FENCE_WITH_FILE = /^```json\s+(\S+)\s*$/;

/** The labelled JSON blocks of a Markdown text, with the `## ` section each sits in. */
function fileBlocks(markdown: string): FileBlock[] {
  const blocks: FileBlock[] = [];
  const lines = markdown.split('\n');
  let section = '';
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    if (line.startsWith('## ')) section = line.slice(3).trim();
    const opening = FENCE_WITH_FILE.exec(line);
    if (opening === null) continue;
    const start = index + 1;
    const body: string[] = [];
    for (index = start; index < lines.length && lines[index] !== '```'; index++)
      body.push(lines[index] ?? '');
    let value: unknown;
    try {
      value = JSON.parse(body.join('\n'));
    } catch (error) {
      throw new Error(`docs/providers.md:${start}: the ${opening[1]} block is not JSON: ${String(error)}`);
    }
    blocks.push({ section, file: opening[1] ?? '', line: start, value });
  }
  return blocks;
}

interface Recipe {
  readonly section: string;
  readonly integration: string;
  readonly blocks: readonly FileBlock[];
}

/** One recipe per section that holds a config/oauth_config.json block, named by its one integration. */
function recipes(blocks: readonly FileBlock[]): Recipe[] {
  const sections = [...new Set(blocks.map((block) => block.section))];
  return sections.map((section) => {
    const own = blocks.filter((block) => block.section === section);
    const oauth = own.filter((block) => block.file === 'config/oauth_config.json');
    if (oauth.length !== 1) {
      throw new Error(
        `docs/providers.md "## ${section}" has ${oauth.length} config/oauth_config.json blocks`,
      );
    }
    const file = (oauth[0]?.value ?? {}) as { integrations?: Record<string, unknown> };
    const integrations = file.integrations ?? {};
    const names = Object.keys(integrations);
    if (names.length !== 1) {
      throw new Error(`docs/providers.md "## ${section}": the oauth_config block must hold one integration`);
    }
    return { section, integration: names[0] ?? '', blocks: own };
  });
}

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));
const fixtureFolders = readdirSync(RECIPES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const documented = recipes(fileBlocks(readFileSync(PROVIDERS_DOC, 'utf8')));
const load = (name: string) => loadApp(readAppDir(join(RECIPES, name)));

describe('provider recipes (docs/providers.md ↔ test/fixtures/provider-recipes)', () => {
  it('document exactly the fixture folders, the providers among them', () => {
    // Act
    const names = documented.map((recipe) => recipe.integration).sort();
    // Assess
    expect(names).toEqual(fixtureFolders);
    expect(names).toEqual(
      expect.arrayContaining([
        'asana',
        'freshservice',
        'github',
        'google',
        'hubspot',
        'instagram',
        'microsoft',
        'paypal',
        'tiktok',
        'zoho',
      ]),
    );
    expect(names).toEqual(expect.arrayContaining(['jira', 'notion', 'quickbooks', 'salesforce']));
  });

  describe.each(fixtureFolders)('%s', (name) => {
    it('loads with no error, one integration of that name, every template using it and declared', () => {
      // Act
      const { app, problems } = load(name);
      // Assess
      const errors = problems.filter((problem) => problem.severity === 'error').map(formatProblemLine);
      expect(errors).toEqual([]);
      expect([...(app?.integrations.keys() ?? [])]).toEqual([name]);
      expect(app?.templates.size).toBeGreaterThan(0);
      for (const template of app?.templates.values() ?? []) expect(template.oauth).toBe(name);
      expect([...(app?.undeclaredTemplates ?? [])]).toEqual([]);
    });

    it('has in the docs an oauth_config.json and a requests.json block equal to its files', () => {
      // Prepare
      const recipe = documented.find((entry) => entry.integration === name);
      // Act
      const files = (recipe?.blocks ?? []).map((block) => block.file).sort();
      // Assess
      expect(files).toEqual(expect.arrayContaining(['config/oauth_config.json', 'config/requests.json']));
      for (const block of recipe?.blocks ?? []) {
        expect({ file: block.file, value: block.value }).toEqual({
          file: block.file,
          value: readJson(join(RECIPES, name, block.file)),
        });
      }
    });
  });

  // The endpoints each recipe claims, rendered with example oauth_iparams: a provider-chosen host
  // stays fixed, and an installer's entry can only fill in its own part of the URL.
  it.each([
    [
      'freshservice',
      { org: 'acme' },
      'https://acme.myfreshworks.com/org/oauth/v2/authorize',
      'https://acme.myfreshworks.com/org/oauth/v2/token',
    ],
    ['hubspot', {}, 'https://app.hubspot.com/oauth/authorize', 'https://api.hubapi.com/oauth/v1/token'],
    ['google', {}, 'https://accounts.google.com/o/oauth2/v2/auth', 'https://oauth2.googleapis.com/token'],
    [
      'microsoft',
      { tenant: 'contoso.onmicrosoft.com' },
      'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize',
      'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token',
    ],
    ['github', {}, 'https://github.com/login/oauth/authorize', 'https://github.com/login/oauth/access_token'],
    ['asana', {}, 'https://app.asana.com/-/oauth_authorize', 'https://app.asana.com/-/oauth_token'],
    [
      'salesforce',
      {},
      'https://login.salesforce.com/services/oauth2/authorize',
      'https://login.salesforce.com/services/oauth2/token',
    ],
    [
      'quickbooks',
      {},
      'https://appcenter.intuit.com/connect/oauth2',
      'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
    ],
    ['notion', {}, 'https://api.notion.com/v1/oauth/authorize', 'https://api.notion.com/v1/oauth/token'],
    [
      'jira',
      { base_url: 'https://jira.example.com/jira' },
      'https://jira.example.com/jira/rest/oauth2/latest/authorize',
      'https://jira.example.com/jira/rest/oauth2/latest/token',
    ],
  ])('%s renders its authorize and token URLs', (name, oauthIparams, authorizeUrl, tokenUrl) => {
    // Act
    const integration = load(name).app?.integrations.get(name);
    const scope = { oauth_iparams: oauthIparams };
    // Assess
    expect(integration && renderTemplate(integration.authorizeUrl, scope)).toBe(authorizeUrl);
    expect(integration && renderTemplate(integration.tokenUrl, scope)).toBe(tokenUrl);
  });

  it('carry the settings their quirks need', () => {
    // Act
    const settings = (name: string) => load(name).app?.integrations.get(name)?.settings;
    // Assess
    expect(settings('freshservice')?.clientAuth).toBe('client_secret_basic');
    expect(settings('github')?.defaultLifetimeSeconds).toBeNull();
    expect(settings('microsoft')?.refreshParams.scope?.source).toBe('offline_access User.Read Mail.Read');
    expect(settings('google')?.revocationUrl).toBeDefined();
    expect(settings('asana')?.revocationUrl).toBeDefined();
    expect(settings('salesforce')).toMatchObject({
      keepFields: ['instance_url'],
      defaultLifetimeSeconds: 7200,
    });
    expect(settings('quickbooks')).toMatchObject({
      clientAuth: 'client_secret_basic',
      callbackParams: ['realmId'],
    });
    expect(settings('notion')).toMatchObject({
      tokenRequest: 'json',
      clientAuth: 'client_secret_basic',
      pkce: false,
      defaultLifetimeSeconds: null,
    });
    expect(load('google').app?.integrations.get('google')?.options).toMatchObject({
      access_type: 'offline',
      prompt: 'consent',
    });
  });
});
