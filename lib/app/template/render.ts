import type { Expr, Root, Template } from './ast';
import { TemplateRenderError } from './errors';
import { printExpr } from './print';

/** The values a template can see. Only own properties are ever read. */
export interface TemplateScope {
  readonly context?: unknown;
  readonly iparam?: unknown;
  readonly oauth_iparams?: unknown;
  readonly access_token?: unknown;
  readonly current_host?: unknown;
  readonly app_settings?: unknown;
  /** The account's facts: its oauth_iparams, captured callback parameters, kept token-response fields. */
  readonly account?: unknown;
}

function ownValue(holder: unknown, key: string): unknown {
  if (typeof holder !== 'object' || holder === null) return undefined;
  return Object.hasOwn(holder, key) ? (holder as Readonly<Record<string, unknown>>)[key] : undefined;
}

function lookup(scope: TemplateScope, root: Root, path: readonly string[]): unknown {
  return path.reduce<unknown>(ownValue, ownValue(scope, root));
}

/** EJS-like text of a value: missing and null are empty; objects are refused, never `[object Object]`. */
function toText(value: unknown, expr: Expr): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  throw new TemplateRenderError(printExpr(expr));
}

function evaluate(expr: Expr, scope: TemplateScope): unknown {
  switch (expr.kind) {
    case 'string':
      return expr.value;
    case 'name':
      return lookup(scope, expr.root, expr.path);
    case 'encode':
      return Buffer.from(toText(evaluate(expr.arg, scope), expr.arg), 'utf8').toString('base64');
    case 'concat':
      return expr.parts.map((part) => toText(evaluate(part, scope), part)).join('');
    case 'or': {
      // JavaScript `||`: the first truthy operand, else the last one; later operands are not evaluated.
      let value: unknown;
      for (const option of expr.options) {
        value = evaluate(option, scope);
        if (value) return value;
      }
      return value;
    }
  }
}

/**
 * Renders a template. `encodeValue` is applied to the text of every expression (never to literal
 * text): the proxy uses it to percent-encode substituted values in paths and queries.
 * Throws TemplateRenderError when an expression yields an object or array.
 */
export function renderTemplate(
  template: Template,
  scope: TemplateScope,
  encodeValue: (value: string) => string = (value) => value,
): string {
  return template.segments
    .map((segment) =>
      segment.kind === 'text'
        ? segment.text
        : encodeValue(toText(evaluate(segment.expr, scope), segment.expr)),
    )
    .join('');
}
