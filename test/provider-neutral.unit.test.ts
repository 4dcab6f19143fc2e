/**
 * "Provider differences are data, never `if (provider === …)`": no code that runs in Lambda
 * (functions/, lib/) names a provider — in a string, an identifier or a regular expression.
 * Comments may, to say why a setting exists. The code is parsed by TypeScript,
 * so a name inside a comment is skipped and one inside a template literal is not.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(__dirname, '..');

/** Providers whose quirks the app format covers (docs/providers.md, docs/app-format.md), and their owners. */
const PROVIDERS = [
  'amazon',
  'asana',
  'atlassian',
  'bigcommerce',
  'calendly',
  'confluence',
  'dataverse',
  'discord',
  'dropbox',
  'figma',
  'freshdesk',
  'freshservice',
  'freshworks',
  'github',
  'gitlab',
  'gong',
  'google',
  'highq',
  'hubspot',
  'instagram',
  'intuit',
  'jira',
  'microsoft',
  'notion',
  'okta',
  'paycor',
  'paypal',
  'pipedrive',
  'printful',
  'quickbooks',
  'salesforce',
  'shopify',
  'slack',
  'threads',
  'tiktok',
  'walmart',
  'zoho',
];
const NAMED = new RegExp(`(${PROVIDERS.join('|')})`, 'i');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|mts)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The text of every identifier and literal of `code` (comments are not nodes), with its line. */
function codeTokens(code: string): Array<{ text: string; line: number }> {
  const file = ts.createSourceFile('code.ts', code, ts.ScriptTarget.Latest, true);
  const tokens: Array<{ text: string; line: number }> = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isIdentifier(node) ||
      ts.isPrivateIdentifier(node) ||
      ts.isLiteralExpression(node) ||
      ts.isTemplateLiteralToken(node)
    ) {
      const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
      tokens.push({ text: node.getText(file), line });
    }
    node.forEachChild(visit);
  };
  visit(file);
  return tokens;
}

const namesIn = (code: string) =>
  codeTokens(code)
    .filter((token) => NAMED.test(token.text))
    .map((token) => `${token.line}: ${token.text}`);

describe('code that runs in Lambda names no provider', () => {
  it('has no provider name outside comments in functions/ and lib/', () => {
    const found = [...sources(join(ROOT, 'lib')), ...sources(join(ROOT, 'functions'))].flatMap((file) =>
      namesIn(readFileSync(file, 'utf8')).map((hit) => `${relative(ROOT, file)}:${hit}`),
    );
    expect(found).toEqual([]);
  });

  it('finds a name in a string, an identifier and a regular expression, and none in comments (the check itself works)', () => {
    const code = [
      '// Salesforce sends instance_url',
      '/* and HubSpot */',
      "if (integration.name === 'salesforce') send();",
      'const githubHost = 1;',
      'const host = /api\\.notion\\.com/;',
      `const url = \`https://\${org}.zoho.com\`;`,
    ].join('\n');
    expect(namesIn(code)).toEqual([
      "3: 'salesforce'",
      '4: githubHost',
      '5: /api\\.notion\\.com/',
      '6: }.zoho.com`',
    ]);
  });
});
