import fc from 'fast-check';
import {
  type Expr,
  parseTemplate,
  printExpr,
  printTemplate,
  ROOTS,
  renderTemplate,
  TemplateSyntaxError,
} from '../../lib/app/template';

const ident = fc.stringMatching(/^[A-Za-z_$][\w$]{0,8}$/);
const anyName: fc.Arbitrary<Expr> = fc.record({
  kind: fc.constant('name' as const),
  root: fc.constantFrom(...ROOTS),
  path: fc.array(ident, { maxLength: 3 }),
});
/** Names as templates use them: one field under context/iparam/oauth_iparams, a bare access_token. */
const wellFormedName: fc.Arbitrary<Expr> = fc.oneof(
  fc.record({
    kind: fc.constant('name' as const),
    root: fc.constantFrom('context' as const, 'iparam' as const, 'oauth_iparams' as const),
    path: fc.tuple(ident),
  }),
  fc.constant<Expr>({ kind: 'name', root: 'access_token', path: [] }),
);
const stringExpr: fc.Arbitrary<Expr> = fc.record({
  kind: fc.constant('string' as const),
  value: fc.string(),
});

/** Expressions as the parser builds them: concat/or with at least two operands. */
function expressions(name: fc.Arbitrary<Expr>): fc.Arbitrary<Expr> {
  return fc.letrec<{ expr: Expr; encode: Expr; concat: Expr; or: Expr }>((tie) => ({
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      stringExpr,
      name,
      tie('encode'),
      tie('concat'),
      tie('or'),
    ),
    encode: fc.record({ kind: fc.constant('encode' as const), arg: tie('expr') }),
    concat: fc.record({
      kind: fc.constant('concat' as const),
      parts: fc.array(tie('expr'), { minLength: 2, maxLength: 3 }),
    }),
    or: fc.record({
      kind: fc.constant('or' as const),
      options: fc.array(tie('expr'), { minLength: 2, maxLength: 3 }),
    }),
  })).expr;
}
const expr = expressions(anyName);

/** Nested objects whose leaves are strings: what JSON context and iparams mostly look like. */
const stringTree = fc.letrec<{ tree: unknown }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.dictionary(fc.oneof(ident, fc.string()), tie('tree'), { maxKeys: 4 }),
  ),
})).tree;

const scopeOfStrings = fc.record(
  { context: stringTree, iparam: stringTree, oauth_iparams: stringTree, access_token: fc.string() },
  { requiredKeys: [] },
);

describe('template properties', () => {
  it('text without <% renders to itself', () => {
    fc.assert(
      fc.property(
        fc.string().filter((text) => !text.includes('<%')),
        scopeOfStrings,
        (text, scope) => renderTemplate(parseTemplate(text), scope) === text,
      ),
    );
  });

  it('parse(print(expr)) gives the expression back', () => {
    fc.assert(
      fc.property(expr, (e) => {
        const template = parseTemplate(`x<%= ${printExpr(e)} %>y`);
        expect(template.segments[1]).toEqual({ kind: 'expr', expr: e, offset: 1 });
      }),
    );
  });

  it('printing a parsed template and parsing it again is stable', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            // Not ending in "<": two texts "<" and "%…" side by side would make a tag opener.
            fc.string().filter((t) => !t.includes('<%') && !t.endsWith('<')),
            expr.map((e) => `<%= ${printExpr(e)} %>`),
          ),
        ),
        (parts) => {
          const once = parseTemplate(parts.join(''));
          expect(parseTemplate(printTemplate(once)).segments).toEqual(once.segments);
        },
      ),
    );
  });

  it('rendering any tree of strings yields text or refuses an object, nothing else', () => {
    fc.assert(
      fc.property(expr, scopeOfStrings, (e, scope) => {
        const template = parseTemplate(`<%= ${printExpr(e)} %>`);
        try {
          expect(typeof renderTemplate(template, scope)).toBe('string');
        } catch (error: unknown) {
          // The one refusal: a name that reaches an object, which must not print as [object Object].
          expect(error).toHaveProperty('name', 'TemplateRenderError');
        }
      }),
    );
  });

  it('rendering never throws when every looked-up value is a string', () => {
    const flatScope = fc.record({
      context: fc.dictionary(ident, fc.string()),
      iparam: fc.dictionary(ident, fc.string()),
      oauth_iparams: fc.dictionary(ident, fc.string()),
      access_token: fc.string(),
    });
    fc.assert(
      fc.property(expressions(wellFormedName), flatScope, (e, scope) => {
        expect(typeof renderTemplate(parseTemplate(`<%= ${printExpr(e)} %>`), scope)).toBe('string');
      }),
    );
  });

  it('arbitrary text inside <%= %> is parsed or refused with an offset inside the source, never crashes', () => {
    const garbage = fc.oneof(
      fc.string(),
      fc.string({
        unit: fc.constantFrom(...'context.iparam+||()\'"\\ %>encode[]{}-_$1'.split('')),
        maxLength: 40,
      }),
    );
    fc.assert(
      fc.property(garbage, (inner) => {
        const source = `<%= ${inner} %>`;
        try {
          parseTemplate(source);
        } catch (error: unknown) {
          expect(error).toBeInstanceOf(TemplateSyntaxError);
          const { offset } = error as TemplateSyntaxError;
          expect(offset).toBeGreaterThanOrEqual(0);
          expect(offset).toBeLessThanOrEqual(source.length);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('encodeValue sees each expression result and never the literal text', () => {
    fc.assert(
      fc.property(
        fc.string().filter((t) => !t.includes('<%')),
        fc.string(),
        (text, value) => {
          const seen: string[] = [];
          const rendered = renderTemplate(
            parseTemplate(`${text}<%= context.v %>${text}`),
            { context: { v: value } },
            (v) => {
              seen.push(v);
              return '#';
            },
          );
          expect(seen).toEqual([value]);
          expect(rendered).toBe(`${text}#${text}`);
        },
      ),
    );
  });
});
