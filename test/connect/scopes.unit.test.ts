import type { Integration } from '../../lib/app/model';
import { checkExtraScopes, requestedScope } from '../../lib/connect/scopes';
import { InvalidInputError } from '../../lib/errors';

const integration = (scope: string | undefined, scopeSeparator = ' ') =>
  ({
    options: scope === undefined ? {} : { scope },
    settings: { scopeSeparator },
  }) as unknown as Integration;

describe("a connection's requested scope", () => {
  it.each([
    [undefined, ' ', [], undefined],
    ['READ', ' ', [], 'READ'],
    ['READ', ' ', ['WRITE'], 'READ WRITE'],
    ['READ WRITE', ' ', ['WRITE', 'ADMIN'], 'READ WRITE ADMIN'],
    ['a,b', ',', ['b', 'c'], 'a,b,c'],
    [undefined, ' ', ['x'], 'x'],
    ['', ' ', ['x'], 'x'],
  ])('options.scope %j (separator %j) with %j asks for %j', (scope, separator, extra, expected) => {
    // Act
    const requested = requestedScope(integration(scope, separator), extra);
    // Assess
    expect(requested).toBe(expected);
  });
});

describe('extra scopes on a link', () => {
  it('drops duplicates and keeps the order', () => {
    // Act
    const scopes = checkExtraScopes(integration('READ'), ['b', 'a', 'b']);
    // Assess
    expect(scopes).toEqual(['b', 'a']);
  });

  it.each([
    [['a b']],
    [['a"b']],
    [['a\\b']],
    [['']],
    [['\u00e9']],
    [['x'.repeat(257)]],
    [Array.from({ length: 51 }, (_, index) => `s${index}`)],
  ])('refuses %j', (scopes) => {
    // Act + Assess
    expect(() => checkExtraScopes(integration('READ'), scopes)).toThrow(InvalidInputError);
  });

  it('refuses a scope holding the separator, naming the entry', () => {
    // Act + Assess
    expect(() => checkExtraScopes(integration('a', ','), ['ok', 'b,c'])).toThrow(/scopes\[1\] contains/);
  });
});
