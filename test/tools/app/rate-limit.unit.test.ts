import { formatProblemLine, loadApp } from '../../../tools/app';
import { filesOf, json } from './helpers';

/* `rate_limit` in an integration's `handshake` and in a template's `options`. */

const OKTA_LIMIT = {
  reset_header: 'X-Rate-Limit-Reset',
  reset: 'epoch_seconds',
  remaining_header: 'X-Rate-Limit-Remaining',
};

function load({
  handshake,
  options = { oauth: 'okta', maxAttempts: 3 },
}: {
  handshake?: unknown;
  options?: unknown;
}) {
  const { app, problems } = loadApp(
    filesOf({
      'manifest.json': json({ 'platform-version': '3.1', modules: { common: { requests: { users: {} } } } }),
      'config/oauth_config.json': json({
        integrations: {
          okta: {
            client_id: 'id',
            client_secret: 'secret',
            authorize_url: 'https://example.okta.com/oauth2/v1/authorize',
            token_url: 'https://example.okta.com/oauth2/v1/token',
            token_type: 'account',
            ...(handshake === undefined ? {} : { handshake }),
          },
        },
      }),
      'config/requests.json': json({
        users: {
          schema: {
            method: 'GET',
            host: 'example.okta.com',
            path: '/api/v1/users',
            headers: { Authorization: 'Bearer <%= access_token %>' },
          },
          options,
        },
      }),
    }),
  );
  return {
    integration: app?.integrations.get('okta'),
    template: app?.templates.get('users'),
    lines: problems.map(formatProblemLine),
  };
}

describe('rate_limit', () => {
  it('reads the integration’s, header names in lower case', () => {
    const { integration, template, lines } = load({ handshake: { rate_limit: OKTA_LIMIT } });
    expect(lines).toEqual([]);
    expect(integration?.settings.rateLimit).toEqual({
      resetHeader: 'x-rate-limit-reset',
      resetBody: undefined,
      reset: 'epoch_seconds',
      remainingHeader: 'x-rate-limit-remaining',
    });
    expect(template?.rateLimit).toBeUndefined();
  });

  it('reads a template’s, the form and the remaining header optional', () => {
    const { integration, template, lines } = load({
      options: { oauth: 'okta', maxAttempts: 2, rate_limit: { reset_header: 'X-Shopify-Retry-After' } },
    });
    expect(lines).toEqual([]);
    expect(integration?.settings.rateLimit).toBeUndefined();
    expect(template?.rateLimit).toEqual({
      resetHeader: 'x-shopify-retry-after',
      resetBody: undefined,
      reset: undefined,
      remainingHeader: undefined,
    });
  });

  it('reads a wait from the body alone, its dotted path split', () => {
    const { template, lines } = load({
      options: {
        oauth: 'okta',
        maxAttempts: 2,
        rate_limit: { reset_body: 'error.retry_after', reset: 'seconds' },
      },
    });
    expect(lines).toEqual([]);
    expect(template?.rateLimit).toEqual({
      resetHeader: undefined,
      resetBody: ['error', 'retry_after'],
      reset: 'seconds',
      remainingHeader: undefined,
    });
  });

  it.each([
    [
      'a reset form it does not know',
      { handshake: { rate_limit: { reset_header: 'X-Reset', reset: 'epoch' } } },
      'error config/oauth_config.json $.integrations.okta.handshake.rate_limit.reset: reset "epoch" is not supported',
      'seconds (from now), epoch_seconds (since 1970), http_date',
    ],
    [
      'a header name with a space',
      { handshake: { rate_limit: { reset_header: 'X Reset' } } },
      'error config/oauth_config.json $.integrations.okta.handshake.rate_limit.reset_header: reset_header "X Reset" is not valid',
      'an HTTP header name',
    ],
    [
      'an expression for a header name',
      { options: { maxAttempts: 2, rate_limit: { reset_header: '<%= context.h %>' } } },
      'error config/requests.json $.users.options.rate_limit.reset_header:',
      'no spaces or expressions',
    ],
    [
      'neither reset_header nor reset_body',
      { options: { maxAttempts: 2, rate_limit: { remaining_header: 'X-Left' } } },
      'error config/requests.json $.users.options.rate_limit: rate_limit names neither reset_header nor reset_body',
      'reset_header or reset_body required',
    ],
    [
      'a reset_body that is not a dotted path',
      { handshake: { rate_limit: { reset_body: 'error[0].retry_after' } } },
      'error config/oauth_config.json $.integrations.okta.handshake.rate_limit.reset_body: reset_body "error[0].retry_after" is not valid',
      'the dotted path of the wait in a JSON error body',
    ],
    [
      'a reset_body with an empty name',
      { options: { maxAttempts: 2, rate_limit: { reset_body: 'error..retry_after' } } },
      'error config/requests.json $.users.options.rate_limit.reset_body:',
      'member names of letters, digits',
    ],
    [
      'a reset_body that is an expression',
      { options: { maxAttempts: 2, rate_limit: { reset_body: '<%= context.path %>' } } },
      'error config/requests.json $.users.options.rate_limit.reset_body:',
      'at most 8 deep',
    ],
    [
      'a remaining header that is a number',
      { handshake: { rate_limit: { reset_header: 'X-Reset', remaining_header: 0 } } },
      'error config/oauth_config.json $.integrations.okta.handshake.rate_limit.remaining_header:',
      'whose 0 says no calls are left',
    ],
    [
      'an unknown key',
      { options: { maxAttempts: 2, rate_limit: { reset_header: 'X-Reset', limit_header: 'X-Limit' } } },
      'error config/requests.json $.users.options.rate_limit.limit_header: unknown key "limit_header"',
      'reset_header, reset_body, reset, remaining_header',
    ],
    [
      'a string for the object',
      { handshake: { rate_limit: 'X-Rate-Limit-Reset' } },
      'error config/oauth_config.json $.integrations.okta.handshake.rate_limit: rate_limit is "X-Rate-Limit-Reset"',
      'an object with reset_header, reset_body, reset, remaining_header',
    ],
  ])('refuses %s, saying what is allowed', (_label, given, line, allowed) => {
    const { lines } = load(given);
    const found = lines.find((text) => text.startsWith(line));
    expect(found).toBeDefined();
    expect(found).toContain(allowed);
  });

  it('warns that a template’s rate_limit without retries does nothing', () => {
    const { template, lines } = load({ options: { oauth: 'okta', rate_limit: { reset_header: 'X-Reset' } } });
    expect(template?.rateLimit?.resetHeader).toBe('x-reset');
    expect(lines).toEqual([
      expect.stringMatching(
        /^warning config\/requests\.json \$\.users\.options\.rate_limit: rate_limit has no effect: maxAttempts is 1/,
      ),
    ]);
  });
});
