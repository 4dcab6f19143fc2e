/**
 * tools/app/emit-types.ts on the tests' provider app: each declared template's `context` keys —
 * read in the path, the query, a header, an upload's ref — required unless only read behind
 * `||`; and the TypeScript it writes for names that are not identifiers.
 */
import { readAppDir, validateApp } from '../../../tools/app';
import { contextKeys, templateTypes } from '../../../tools/app/emit-types';
import type { OAuthServer } from '../../support/oauth-server';
import { writeProviderApp } from '../../support/provider-app';

const server = {
  issuer: 'http://127.0.0.1:1',
  authorizeUrl: 'http://127.0.0.1:1/auth',
  tokenUrl: 'http://127.0.0.1:1/token',
  revocationUrl: 'http://127.0.0.1:1/revoke',
} as OAuthServer;
const { app } = validateApp(readAppDir(writeProviderApp(server)));
const template = (name: string) => {
  const found = app?.templates.get(name);
  if (found === undefined) throw new Error(`no template ${name}`);
  return found;
};

describe('contextKeys', () => {
  it('takes the path and the query as required, a key behind || as optional', () => {
    expect(contextKeys(template('echo'))).toEqual({ required: ['id', 'q'], optional: ['trace'] });
  });

  it('finds an upload’s ref and a key read only in a query template', () => {
    expect(contextKeys(template('uploadRaw'))).toEqual({ required: ['file_ref'], optional: [] });
    expect(contextKeys(template('binary'))).toEqual({ required: ['bytes', 'type'], optional: [] });
  });

  it('has no keys for a template that reads none', () => {
    expect(contextKeys(template('public'))).toEqual({ required: [], optional: [] });
  });
});

describe('templateTypes', () => {
  it('writes one entry per declared template, optional keys with ?', () => {
    const text = templateTypes(app as NonNullable<typeof app>, 'app/');
    expect(text).toContain(
      '  echo: { context: { id: ContextValue; q: ContextValue; trace?: ContextValue } };',
    );
    expect(text).toContain('  public: { context: {} };');
    expect(text).not.toContain('neverDeclared');
    expect(text.match(/^ {2}[A-Za-z"].*: \{ context: /gm)).toHaveLength(app?.templates.size ?? -1);
  });
});
