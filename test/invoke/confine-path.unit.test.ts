import { decodeOnce, encodePath, literalPrefix, pathProblem } from '../../lib/invoke/confine-path';

describe('pathProblem: a rendered schema.path that may be sent', () => {
  it.each([
    ['/v1.0/users?$select=id,displayName', '/v1.0'],
    ['/repos/owner/repo', '/repos/'],
    ['/api/v2/tickets?include=conversations', '/api/v2/tickets'],
    ['/', '/'],
    ['/users', ''],
    ['/items/...', '/items/'],
    ['/items/a..b/.hidden', '/items/'],
    ['/items/file%2ejson', '/items/'],
    ['/items/100%25', '/items/'],
    ['/items/a%20b', '/items/'],
    ['/items/ünï', '/items/'],
    ['/search?q=a/../b', '/search'],
    ['/search?q=a\\b', '/search'],
    ['/search?q=%2e%2e%2f', '/search'],
    ['/items/x?next=%23tag', '/items/'],
    ['/items/\uff21\uff0f\uff22', '/items/'],
    ['/files/日本語/ファイル', '/files/'],
  ])('%s under %j', (rendered, prefix) => {
    expect(pathProblem(rendered, prefix)).toBeUndefined();
  });
});

describe('pathProblem: refused', () => {
  it.each([
    ['/repos/../../admin', '/repos/', 'outside'],
    ['/v1.0/../beta/users', '/v1.0', 'outside'],
    ['/items/a/../b', '/items/', '"." or ".."'],
    ['/items/./b', '/items/', '"." or ".."'],
    ['/items/..', '/items/', 'outside'],
    ['/items/a/..', '/items/', '"." or ".."'],
    ['/items/%2e', '/items/', '"." or ".."'],
    ['/items/.%2E', '/items/', 'outside'],
    ['/items/a/.%2E/b', '/items/', '"." or ".."'],
    ['/items/a/%2E./b', '/items/', '"." or ".."'],
    ['/items/a/%2e%2e/x', '/items/', 'encoded separator'],
    ['/items/a/%2E%2e/x', '/items/', 'encoded separator'],
    ['/items/a%2fb', '/items/', 'encoded separator'],
    ['/items/a%2Fb', '/items/', 'encoded separator'],
    ['/items/a%5cb', '/items/', 'encoded separator'],
    ['/items/a%5C..%5Cx', '/items/', 'encoded separator'],
    ['/items/a\\..\\x', '/items/', 'backslash'],
    ['/items/a\\b', '/items/', 'backslash'],
    ['/items/%252e%252e/x', '/items/', 'double-encoded'],
    ['/items/%252E', '/items/', 'double-encoded'],
    ['/items/a%252fb', '/items/', 'double-encoded'],
    ['/items/a%255Cb', '/items/', 'double-encoded'],
    ['/items/%00', '/items/', 'control character, backslash or # once decoded'],
    ['/items/%0d%0aX-Injected:1', '/items/', 'control character, backslash or # once decoded'],
    ['/items/%23frag', '/items/', 'control character, backslash or # once decoded'],
    ['/items/%c0%ae%c0%ae/x', '/items/', 'not UTF-8'],
    ['/items/\uff0e\uff0e/\uff0e\uff0e/x', '/items/', 'outside'],
    ['/items/a/%EF%BC%8E%EF%BC%8E/b', '/items/', '"." or ".."'],
    ['/items/a\uff0fb/\uff0e', '/items/', '"." or ".."'],
    ['/items/a\uff3cb', '/items/', 'control character, backslash or # once decoded'],
    ['/items/a%EF%BC%BCb', '/items/', 'control character, backslash or # once decoded'],
    ['/items/%ff', '/items/', 'not UTF-8'],
    ['/items/a\r\nX-Injected: 1', '/items/', 'control character'],
    ['/items/a\nb', '/items/', 'control character'],
    ['/items/a\u0000b', '/items/', 'control character'],
    ['/items/a\u007fb', '/items/', 'control character'],
    ['/items/a\u0085b', '/items/', 'control character'],
    ['/search?q=a\rb', '/search', 'control character'],
    ['/items/x#frag', '/items/', 'fragment'],
    ['/search?q=x#frag', '/search', 'fragment'],
    ['users', '', 'does not start with /'],
    ['@evil.example/x', '', 'does not start with /'],
    ['/items/a\ud800', '/items/', 'lone surrogate'],
  ])('%j under %j: %s', (rendered, prefix, why) => {
    expect(pathProblem(rendered, prefix)).toContain(why);
  });
});

describe('literalPrefix', () => {
  it.each([
    [['/v1.0'], '/v1.0'],
    [[], ''],
    [['/api/v2/tickets?include=', ''], '/api/v2/tickets'],
    [['/repos/'], '/repos/'],
  ])('%j is %j', (texts, prefix) => {
    expect(literalPrefix(texts)).toBe(prefix);
  });
});

describe('decodeOnce', () => {
  it.each([
    ['%2e%2E', '..'],
    ['%252e', '%2e'],
    ['a%20b', 'a b'],
    ['%C3%BC', 'ü'],
    ['100%', '100%'],
    ['%zz', '%zz'],
  ])('%j is %j', (text, decoded) => {
    expect(decodeOnce(text)).toBe(decoded);
  });

  it('is undefined for escapes that are not UTF-8 (an overlong dot)', () => {
    expect(decodeOnce('%c0%ae')).toBeUndefined();
  });
});

describe('encodePath', () => {
  it.each([
    ['/repos/owner/repo', '/repos/owner/repo'],
    ['/items/a b', '/items/a%20b'],
    ['/items/100%', '/items/100%25'],
    ['/items/a%20b', '/items/a%20b'],
    ['/items/ünï/✓', '/items/%C3%BCn%C3%AF/%E2%9C%93'],
    ['/items/😀', '/items/%F0%9F%98%80'],
    ["/items/a:b@c!$&'()*+,;=~", "/items/a:b@c!$&'()*+,;=~"],
    ['/items/<x>"{|}^`[]', '/items/%3Cx%3E%22%7B%7C%7D%5E%60%5B%5D'],
  ])('%j is sent as %j', (path, encoded) => {
    expect(encodePath(path)).toBe(encoded);
  });

  it('gives a path the URL parser keeps as it is', () => {
    const url = new URL('https://api.example.com');
    const path = encodePath('/items/a b/<%>/ü');
    url.pathname = path;
    expect(url.pathname).toBe(path);
    expect(url.host).toBe('api.example.com');
  });
});
