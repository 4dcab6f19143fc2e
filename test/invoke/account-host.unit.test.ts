import type { AllowedHost, RequestTemplate } from '../../lib/app/model';
import { parseTemplate } from '../../lib/app/template';
import { TemplateRequestError } from '../../lib/errors';
import { renderRequest } from '../../lib/invoke/render-request';

/* A host read from the account (Salesforce's instance_url): its host, its path as a prefix, allowed_hosts. */

const template = (host: string, path = '/services/data'): RequestTemplate => ({
  name: 't',
  method: 'GET',
  protocol: 'https',
  host: parseTemplate(host),
  path: parseTemplate(path),
  headers: new Map(),
  query: new Map(),
  oauth: 'salesforce',
  maxAttempts: 1,
  retryDelay: 0,
});

const SALESFORCE: AllowedHost[] = [{ domain: 'salesforce.com', subdomains: true, port: undefined }];

const render = (
  host: string,
  account: Record<string, unknown>,
  allowed: { readonly hosts: readonly AllowedHost[] | undefined } = { hosts: SALESFORCE },
) => renderRequest(template(host), { url: { account }, headers: {}, allowedHosts: allowed.hosts }).url;

const refusal = (
  host: string,
  account: Record<string, unknown>,
  allowed?: { readonly hosts: readonly AllowedHost[] | undefined },
) => {
  try {
    render(host, account, allowed);
  } catch (error) {
    if (error instanceof TemplateRequestError) return error.message;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('a host from account.NAME', () => {
  it.each([
    ['https://acme.my.salesforce.com', 'https://acme.my.salesforce.com/services/data'],
    ['https://acme.my.salesforce.com/', 'https://acme.my.salesforce.com/services/data'],
    ['https://eu1.salesforce.com/api/v2/', 'https://eu1.salesforce.com/api/v2/services/data'],
    ['https://eu1.salesforce.com/a/../b', 'https://eu1.salesforce.com/b/services/data'],
    ['na1.salesforce.com', 'https://na1.salesforce.com/services/data'],
  ])('%j gives its host and its path as a prefix', (instanceUrl, sent) => {
    expect(render('<%= account.instance_url %>', { instance_url: instanceUrl })).toBe(sent);
  });

  it.each([
    ['https://evil.example.com', 'is not in handshake.allowed_hosts'],
    ['https://salesforce.com.evil.example', 'is not in handshake.allowed_hosts'],
    ['http://na1.salesforce.com', 'is not a https URL'],
    ['https://evil.example@na1.salesforce.com', 'user information, a query or a fragment'],
    ['https://na1.salesforce.com?x=1', 'user information, a query or a fragment'],
    ['https://na1.salesforce.com#x', 'user information, a query or a fragment'],
    ['https://', 'is not a valid URL'],
    ['na1.salesforce.com/x', 'not a host name'],
  ])('refuses %j', (instanceUrl, why) => {
    expect(refusal('<%= account.instance_url %>', { instance_url: instanceUrl })).toContain(why);
  });

  it('is never sent when the integration declares no allowed_hosts', () => {
    expect(
      refusal(
        '<%= account.instance_url %>',
        { instance_url: 'https://na1.salesforce.com' },
        { hosts: undefined },
      ),
    ).toContain('declares no handshake.allowed_hosts');
  });

  it('needs no allowed_hosts under a literal domain, where it chooses only a label', () => {
    expect(render('<%= account.pod %>.salesforce.com', { pod: 'eu12' }, { hosts: undefined })).toBe(
      'https://eu12.salesforce.com/services/data',
    );
  });

  it('leaves a host from another root as it was: a URL there is no host', () => {
    expect(() =>
      renderRequest(template('<%= context.h %>'), {
        url: { context: { h: 'https://na1.salesforce.com' } },
        headers: {},
      }),
    ).toThrow(/not a host name/);
  });
});
