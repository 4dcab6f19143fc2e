import { checkRequestHeaders, responseHeaders } from '../../lib/egress/headers';

describe('checkRequestHeaders', () => {
  it('passes ordinary headers', () => {
    // Act & Assess
    expect(
      checkRequestHeaders({
        Authorization: 'Bearer abc',
        'Content-Type': 'application/json',
        'X-Tab': 'a\tb',
      }),
    ).toBeUndefined();
  });

  it.each(['a\r\nX-Injected: 1', 'a\nb', 'a\rb', 'a\u0000b', 'a\u007fb'])(
    'refuses a control character in a value without repeating the value (%j)',
    (value) => {
      // Act
      const refusal = checkRequestHeaders({ Authorization: `Bearer secret-${value}` });

      // Assess
      expect(refusal?.reason).toBe('header');
      expect(refusal?.message).toContain('Authorization');
      expect(refusal?.message).not.toContain('secret');
    },
  );

  it.each(['Host', 'connection', 'Transfer-Encoding', 'content-length', 'Upgrade', 'Expect'])(
    'refuses the %s header: the host and the framing are not the caller’s',
    (name) => {
      // Act & Assess
      expect(checkRequestHeaders({ [name]: 'x' })?.reason).toBe('header');
    },
  );

  it.each(['Bad Name', 'x:y', '', 'é'])('refuses the header name %j', (name) => {
    // Act & Assess
    expect(checkRequestHeaders({ [name]: 'x' })?.reason).toBe('header');
  });
});

describe('responseHeaders', () => {
  it('lower-cases names, joins repeats with ", " and Set-Cookie lines with a newline', () => {
    // Act
    const headers = responseHeaders({
      'Content-Type': 'text/plain',
      'x-multi': ['a', 'b'],
      'set-cookie': ['a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT', 'b=2'],
      'x-absent': undefined,
    });

    // Assess
    expect(headers).toEqual({
      'content-type': 'text/plain',
      'x-multi': 'a, b',
      'set-cookie': 'a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT\nb=2',
    });
  });
});
