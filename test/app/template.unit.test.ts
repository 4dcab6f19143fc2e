import {
  type Expr,
  parseTemplate,
  printExpr,
  referencedNames,
  renderTemplate,
  TemplateRenderError,
  TemplateSyntaxError,
} from '../../lib/app/template';

const exprOf = (source: string): Expr => {
  const segment = parseTemplate(source).segments.find((s) => s.kind === 'expr');
  if (segment?.kind !== 'expr') throw new Error(`no expression in ${source}`);
  return segment.expr;
};

const syntaxErrorOf = (source: string): TemplateSyntaxError => {
  try {
    parseTemplate(source);
  } catch (error: unknown) {
    if (error instanceof TemplateSyntaxError) return error;
    throw error;
  }
  throw new Error(`"${source}" parsed`);
};

describe('parseTemplate on expressions from the FDK sample apps', () => {
  it.each([
    ["<%= oauth_iparams.client_id || 'xxxxxxx' %>", { oauth_iparams: { client_id: 'abc' } }, 'abc'],
    ["<%= oauth_iparams.client_id || 'xxxxxxx' %>", { oauth_iparams: {} }, 'xxxxxxx'],
    [
      'Basic <%= encode(iparam.api_key) %>',
      { iparam: { api_key: 'k:X' } },
      `Basic ${Buffer.from('k:X').toString('base64')}`,
    ],
    ['<%= oauth_iparams.client_id%>', { oauth_iparams: { client_id: 'id-1' } }, 'id-1'],
    [
      'https://<%= oauth_iparams.host %>/-/oauth_token',
      { oauth_iparams: { host: 'app.asana.com' } },
      'https://app.asana.com/-/oauth_token',
    ],
    ['<%= iparam.subdomain %>.freshdesk.com', { iparam: { subdomain: 'acme' } }, 'acme.freshdesk.com'],
    ['/api/people/<%= context.id %>', { context: { id: 42 } }, '/api/people/42'],
    ['bearer <%= access_token %>', { access_token: 'tok' }, 'bearer tok'],
    [
      "Basic <%= encode(iparam.key + ':X') %>",
      { iparam: { key: 'é' } },
      `Basic ${Buffer.from('é:X', 'utf8').toString('base64')}`,
    ],
  ])('%s renders with %j', (source, scope, expected) => {
    // Act
    const rendered = renderTemplate(parseTemplate(source), scope);
    // Assess
    expect(rendered).toBe(expected);
  });

  it('keeps literal text and expression offsets', () => {
    // Act
    const template = parseTemplate('a<%= context.x %>b');
    // Assess
    expect(template.segments).toEqual([
      { kind: 'text', text: 'a' },
      { kind: 'expr', expr: { kind: 'name', root: 'context', path: ['x'] }, offset: 1 },
      { kind: 'text', text: 'b' },
    ]);
  });

  it('builds the expected tree for precedence and parentheses', () => {
    expect(exprOf("<%= context.a + 'x' || (iparam.b || 'y') + encode(access_token) %>")).toEqual({
      kind: 'or',
      options: [
        {
          kind: 'concat',
          parts: [
            { kind: 'name', root: 'context', path: ['a'] },
            { kind: 'string', value: 'x' },
          ],
        },
        {
          kind: 'concat',
          parts: [
            {
              kind: 'or',
              options: [
                { kind: 'name', root: 'iparam', path: ['b'] },
                { kind: 'string', value: 'y' },
              ],
            },
            { kind: 'encode', arg: { kind: 'name', root: 'access_token', path: [] } },
          ],
        },
      ],
    });
  });

  it('reads escapes in both quote styles and a %> inside a string', () => {
    expect(exprOf(`<%= 'it\\'s' + "\\"q\\"" + '\\\\' + '%>' %>`)).toEqual({
      kind: 'concat',
      parts: [
        { kind: 'string', value: "it's" },
        { kind: 'string', value: '"q"' },
        { kind: 'string', value: '\\' },
        { kind: 'string', value: '%>' },
      ],
    });
  });
});

describe('parseTemplate refuses everything else, with the offset', () => {
  it.each([
    ['<% if (x) { %>', 0, 'scriptlets'],
    ['ab<%- context.x %>', 2, 'unescaped output'],
    ['<%# comment %>', 0, 'scriptlets'],
    ['<%= context.x', 0, 'unclosed'],
    ['<%= %>', 0, 'empty expression'],
    ['<%= foo %>', 4, 'unknown name "foo"'],
    ['<%= context["x"] %>', 11, 'unexpected character "["'],
    ['<%= context.x() %>', 13, 'unexpected "("'],
    ['<%= encode %>', 4, 'encode must be called'],
    ['<%= process.env.SECRET %>', 4, 'unknown name "process"'],
    ['<%= context.x - 1 %>', 14, 'unexpected character "-"'],
    ['<%= 1 + 1 %>', 4, 'unexpected character "1"'],
    ["<%= 'abc %>", 4, 'unterminated string'],
    ["<%= 'a\\n' %>", 6, 'unsupported escape'],
    ['<%= context. %>', 13, 'expected a name after "."'],
    ['<%= (context.x %>', 15, 'expected ")"'],
    ['<%= context.x iparam.y %>', 14, 'unexpected "iparam"'],
    ['<%= context.x -%>', 14, 'unexpected character "-"'],
    ['<%= constructor.constructor("return 1")() %>', 4, 'unknown name "constructor"'],
  ])('%s fails at offset %i (%s)', (source, offset, reason) => {
    // Act
    const error = syntaxErrorOf(source);
    // Assess
    expect(error.offset).toBe(offset);
    expect(error.reason).toContain(reason);
    expect(error.message).toContain(`at offset ${offset}`);
    expect(error.message).toContain('allowed:');
  });

  it('refuses deep nesting instead of overflowing the stack', () => {
    expect(syntaxErrorOf(`<%= ${'('.repeat(10_000)}context.x${')'.repeat(10_000)} %>`).reason).toBe(
      'expression nested too deeply',
    );
  });
});

describe('renderTemplate', () => {
  it('yields nothing for inherited properties', () => {
    // Prepare
    const template = parseTemplate(
      '[<%= context.__proto__ %>|<%= context.constructor %>|<%= context.toString %>|<%= iparam.hasOwnProperty %>]',
    );
    // Act
    const rendered = renderTemplate(template, { context: {}, iparam: {} });
    // Assess
    expect(rendered).toBe('[|||]');
  });

  it('reads an own __proto__ key of parsed JSON as data', () => {
    const context: unknown = JSON.parse('{"__proto__": "own"}');
    expect(renderTemplate(parseTemplate('<%= context.__proto__ %>'), { context })).toBe('own');
  });

  it.each([
    ['<%= context.missing %>', {}, ''],
    ['<%= context.n %>', { n: null }, ''],
    ['<%= context.n %>', { n: 0 }, '0'],
    ['<%= context.b %>', { b: false }, 'false'],
    ["<%= context.n || 'fallback' %>", { n: 0 }, 'fallback'],
    ["<%= context.s || 'fallback' %>", { s: '' }, 'fallback'],
    ["<%= context.b || 'fallback' %>", { b: false }, 'fallback'],
    ['<%= context.a || context.b %>', { a: '', b: 0 }, '0'],
    ['<%= context.a + context.b %>', { a: 1, b: 2 }, '12'],
    ['<%= context.a + context.missing + context.n %>', { a: 'x', n: null }, 'x'],
    ['<%= context.deep.er.value %>', { deep: { er: { value: 'v' } } }, 'v'],
    ['<%= context.s.length %>', { s: 'abc' }, ''],
    ['<%= encode(context.missing) %>', {}, ''],
  ])('%s with context %j is %j', (source, context, expected) => {
    expect(renderTemplate(parseTemplate(source), { context })).toBe(expected);
  });

  it('applies encodeValue to expression results only', () => {
    // Prepare
    const template = parseTemplate('/a b/<%= context.id %>/<%= "x/y" %>');
    // Act
    const rendered = renderTemplate(template, { context: { id: '../etc' } }, encodeURIComponent);
    // Assess
    expect(rendered).toBe('/a b/..%2Fetc/x%2Fy');
  });

  it.each([
    ['<%= context.obj %>', 'context.obj'],
    ['<%= context.list %>', 'context.list'],
    ['<%= encode(context.obj) %>', 'context.obj'],
    ["<%= 'a' + context.list %>", 'context.list'],
  ])('refuses to print an object or array: %s', (source, named) => {
    // Prepare
    const template = parseTemplate(source);
    // Act
    const act = () => renderTemplate(template, { context: { obj: { secret: 's' }, list: [1] } });
    // Assess
    expect(act).toThrow(TemplateRenderError);
    expect(act).toThrow(named);
    expect(act).not.toThrow('secret');
  });

  it('does not evaluate the fallback once an option is truthy', () => {
    const template = parseTemplate('<%= context.a || encode(context.obj) %>');
    expect(renderTemplate(template, { context: { a: 'first', obj: {} } })).toBe('first');
  });
});

describe('referencedNames and printExpr', () => {
  it('lists every name with its path, in order', () => {
    // Prepare
    const template = parseTemplate("<%= encode(iparam.key + ':X') %> <%= context.a.b || access_token %>");
    // Act
    const names = referencedNames(template);
    // Assess
    expect(names).toEqual([
      { root: 'iparam', path: ['key'] },
      { root: 'context', path: ['a', 'b'] },
      { root: 'access_token', path: [] },
    ]);
  });

  it('prints parentheses only where they are needed', () => {
    expect(printExpr(exprOf("<%= (context.a || 'x') + ('y' + context.b) || (iparam.c || 'z') %>"))).toBe(
      "(context.a || 'x') + ('y' + context.b) || (iparam.c || 'z')",
    );
  });
});

describe('current_host and app_settings (installation values)', () => {
  const scope = {
    current_host: { endpoint_urls: { freshdesk: 'acme.freshdesk.com' } },
    app_settings: { view: 'open', limit: 5, nested: { a: 1 } },
  };

  it.each([
    ['https://<%= current_host.endpoint_urls.freshdesk %>/api/v2', 'https://acme.freshdesk.com/api/v2'],
    ['<%= app_settings.view %>/<%= app_settings.limit %>', 'open/5'],
    ["<%= app_settings.missing || 'none' %>", 'none'],
    ['<%= current_host.endpoint_urls.freshservice %>', ''],
  ])('%s renders to %j', (source, expected) => {
    expect(renderTemplate(parseTemplate(source), scope)).toBe(expected);
  });

  it('parses them as names with their paths', () => {
    expect(
      referencedNames(parseTemplate('<%= current_host.endpoint_urls.freshdesk + app_settings.view %>')),
    ).toEqual([
      { root: 'current_host', path: ['endpoint_urls', 'freshdesk'] },
      { root: 'app_settings', path: ['view'] },
    ]);
  });

  it('refuses an object where text is needed, and reads own properties only', () => {
    expect(() => renderTemplate(parseTemplate('<%= app_settings.nested %>'), scope)).toThrow(
      TemplateRenderError,
    );
    expect(renderTemplate(parseTemplate('<%= app_settings.constructor %>'), scope)).toBe('');
  });
});
