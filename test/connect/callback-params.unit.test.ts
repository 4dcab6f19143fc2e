import { withCallbackParams } from '../../lib/connect/callback-params';
import type { ParsedTokens } from '../../lib/oauth/token-response';

const tokens = (extra: Record<string, unknown>): ParsedTokens =>
  ({ accessToken: 'at', extra }) as unknown as ParsedTokens;

describe('withCallbackParams', () => {
  it('keeps only the named parameters, beside the kept token-response fields', () => {
    const kept = withCallbackParams(
      { callbackParams: ['realmId', 'shop'], callbackFactNames: {} },
      tokens({ instance_url: 'https://x.example.com' }),
      { code: 'c', state: 's', realmId: '9130', other: 'x' },
    );
    expect(kept.extra).toEqual({ realmId: '9130', instance_url: 'https://x.example.com' });
  });

  it('lets a kept token-response field of the same name win over the browser', () => {
    const kept = withCallbackParams(
      { callbackParams: ['realmId'], callbackFactNames: {} },
      tokens({ realmId: 'from-provider' }),
      {
        realmId: 'from-browser',
      },
    );
    expect(kept.extra).toEqual({ realmId: 'from-provider' });
  });

  it('reads own parameters only, and drops empty and overlong values', () => {
    const kept = withCallbackParams(
      { callbackParams: ['constructor', 'toString', 'empty', 'long'], callbackFactNames: {} },
      tokens({}),
      { empty: '', long: 'x'.repeat(513) },
    );
    expect(kept.extra).toEqual({});
  });
});
