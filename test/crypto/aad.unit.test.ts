import { iparamsAad, tokenAad } from '../../lib/crypto/aad';

describe('AAD builders', () => {
  it('are stable for the same owner', () => {
    // Act
    const first = tokenAad('in_1', 'github', 'default', 'access_token');
    const second = tokenAad('in_1', 'github', 'default', 'access_token');

    // Assess
    expect(first).toBe(second);
    expect(first).toBe('token|4:in_1|6:github|7:default|12:access_token');
  });

  it('cannot be made to collide by moving a separator between components', () => {
    // Act
    const left = tokenAad('a|b', 'c', 'd', 'extra');
    const right = tokenAad('a', 'b|c', 'd', 'extra');

    // Assess
    expect(left).not.toBe(right);
  });

  it('differ per field, per account and between token and iparams AAD', () => {
    // Act
    const values = new Set([
      tokenAad('in_1', 'github', 'default', 'access_token'),
      tokenAad('in_1', 'github', 'default', 'refresh_token'),
      tokenAad('in_1', 'github', 'other', 'access_token'),
      tokenAad('in_2', 'github', 'default', 'access_token'),
      iparamsAad('in_1'),
    ]);

    // Assess
    expect(values.size).toBe(5);
  });
});
