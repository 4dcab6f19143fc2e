import { checkIparams, checkOauthIparams } from '../../lib/app';
import type { IparamField, OAuthIparamField } from '../../lib/app/iparams-model';
import type { App } from '../../lib/app/model';

const field = (name: string, type: IparamField['type'], extra: Partial<IparamField> = {}): IparamField => ({
  name,
  displayName: name,
  type,
  required: false,
  secure: false,
  ...extra,
});

const app = (...fields: IparamField[]): Pick<App, 'iparams'> => ({
  iparams: new Map(fields.map((f) => [f.name, f])),
});

describe('checkIparams', () => {
  const sample = app(
    field('domain', 'text', { required: true }),
    field('api_key', 'text', { secure: true }),
    field('limit', 'number'),
    field('notify', 'checkbox'),
    field('region', 'dropdown', { options: ['eu', 'us'] }),
    field('tier', 'radio', { options: [1, 2] }),
    field('teams', 'multiselect', { options: ['a', 'b', 'c'] }),
    field('contact', 'email'),
  );

  it('accepts values of the right types and keeps them', () => {
    // Prepare
    const input = {
      domain: 'acme',
      api_key: 'k',
      limit: 10,
      notify: true,
      region: 'eu',
      tier: 2,
      teams: ['a', 'c'],
      contact: 'x@y.z',
    };
    // Act
    const result = checkIparams(sample, input);
    // Assess
    expect(result.problems).toEqual([]);
    expect(result.values).toEqual(input);
  });

  it.each([
    ['domain', 42, 'domain must be a string (text)'],
    ['limit', '10', 'limit must be a number'],
    ['notify', 'yes', 'notify must be true or false'],
    ['region', 'apac', 'region must be one of "eu", "us"'],
    ['tier', '1', 'tier must be one of 1, 2'],
    ['teams', 'a', 'teams must be an array of values from "a", "b", "c"'],
    ['teams', ['a', 'z'], 'teams must be an array of values from "a", "b", "c"'],
    ['contact', ['x@y.z'], 'contact must be a string (email)'],
  ])('refuses %s = %j', (name, value, message) => {
    // Act
    const result = checkIparams(sample, { domain: 'acme', [name]: value });
    // Assess
    expect(result.problems).toEqual([{ name, message }]);
    expect(result.values).not.toHaveProperty(name);
  });

  it('reports missing required fields, empty strings included', () => {
    expect(checkIparams(sample, {}).problems).toEqual([
      { name: 'domain', message: 'domain is required: a string (text)' },
    ]);
    expect(checkIparams(sample, { domain: '' }).problems).toEqual([
      { name: 'domain', message: 'domain is required: a string (text)' },
    ]);
  });

  it('reports unknown names with the allowed ones', () => {
    // Act
    const result = checkIparams(app(field('domain', 'text')), { domain: 'a', subdomain: 'b' });
    // Assess
    expect(result.problems).toEqual([
      { name: 'subdomain', message: 'subdomain is not a parameter of this app; allowed: domain' },
    ]);
  });

  it('never echoes the value given', () => {
    const result = checkIparams(sample, { domain: 'acme', api_key: { token: 'super-secret' } });
    expect(JSON.stringify(result.problems)).not.toContain('super-secret');
  });

  it('fills in a default_value for an absent field', () => {
    // Prepare
    const withDefault = app(
      field('region', 'dropdown', { options: ['eu', 'us'], defaultValue: 'us', required: true }),
    );
    // Act
    const result = checkIparams(withDefault, {});
    // Assess
    expect(result).toEqual({ values: { region: 'us' }, problems: [] });
  });

  it('refuses something that is not an object', () => {
    expect(checkIparams(sample, ['domain']).problems).toHaveLength(1);
    expect(checkIparams(sample, null).values).toEqual({});
  });

  it('omits absent optional fields and null values', () => {
    expect(checkIparams(sample, { domain: 'acme', limit: null }).values).toEqual({ domain: 'acme' });
  });
});

describe('checkOauthIparams', () => {
  const fields: OAuthIparamField[] = [
    { name: 'org_domain', displayName: 'Domain', type: 'text', required: true },
    { name: 'region', displayName: 'Region', type: 'text', required: false },
  ];

  it('accepts strings', () => {
    expect(checkOauthIparams({ oauthIparams: fields }, { org_domain: 'acme.myfreshworks.com' })).toEqual({
      values: { org_domain: 'acme.myfreshworks.com' },
      problems: [],
    });
  });

  it.each([
    [{}, [{ name: 'org_domain', message: 'org_domain is required: a string (text)' }]],
    [{ org_domain: 5 }, [{ name: 'org_domain', message: 'org_domain must be a string (text)' }]],
    [
      { org_domain: 'a', shop: 'b' },
      [{ name: 'shop', message: 'shop is not a parameter of this integration; allowed: org_domain, region' }],
    ],
  ])('refuses %j', (input, problems) => {
    expect(checkOauthIparams({ oauthIparams: fields }, input).problems).toEqual(problems);
  });
});

describe('checkIparams with FDK { label, value } options (the validator keeps their values)', () => {
  const sample = app(field('region', 'dropdown', { options: ['eu', 'us'] }));

  it('stores the value and refuses a label or an unknown value', () => {
    expect(checkIparams(sample, { region: 'eu' })).toEqual({ values: { region: 'eu' }, problems: [] });
    expect(checkIparams(sample, { region: 'Europe' }).problems.map((p) => p.name)).toEqual(['region']);
    expect(checkIparams(sample, { region: 'mars' }).problems).toEqual([
      { name: 'region', message: 'region must be one of "eu", "us"' },
    ]);
  });
});
