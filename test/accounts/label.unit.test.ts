import { accountFor, DEFAULT_ACCOUNT } from '../../lib/accounts/label';
import type { Integration } from '../../lib/app/model';
import { InvalidInputError } from '../../lib/errors';

const integration = (tokenType: Integration['tokenType']) => ({ name: 'crm', tokenType }) as Integration;

describe('accountFor: the account a request is about', () => {
  it.each([
    ['account', undefined, DEFAULT_ACCOUNT],
    ['account', '', 'default'],
    ['account', 'sales', 'sales'],
    ['agent', 'agent-7', 'agent-7'],
    ['agent', 'user@example.com', 'user@example.com'],
    ['account', `a${'b'.repeat(127)}`, `a${'b'.repeat(127)}`],
  ] as const)('a %s-level integration given %p: %p', (tokenType, given, account) => {
    expect(accountFor(integration(tokenType), given)).toBe(account);
  });

  it.each([
    ['agent', undefined, /agent-level integration .*give "account"/],
    ['agent', '', /agent-level/],
    ['account', 'has space', /1-128 characters/],
    ['account', 'a#b', /1-128 characters/],
    ['account', '.starts-with-dot', /1-128 characters/],
    ['account', `a${'b'.repeat(128)}`, /1-128 characters/],
  ] as const)('a %s-level integration given %p: refused', (tokenType, given, message) => {
    const call = () => accountFor(integration(tokenType), given);
    expect(call).toThrow(InvalidInputError);
    expect(call).toThrow(message);
  });
});
