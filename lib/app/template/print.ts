import type { Expr, Template } from './ast';

const quote = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** Source text for an expression; parsing it gives the same expression back. */
export function printExpr(expr: Expr): string {
  switch (expr.kind) {
    case 'string':
      return quote(expr.value);
    case 'name':
      return [expr.root, ...expr.path].join('.');
    case 'encode':
      return `encode(${printExpr(expr.arg)})`;
    case 'concat':
      return expr.parts
        .map((part) =>
          part.kind === 'concat' || part.kind === 'or' ? `(${printExpr(part)})` : printExpr(part),
        )
        .join(' + ');
    case 'or':
      return expr.options
        .map((option) => (option.kind === 'or' ? `(${printExpr(option)})` : printExpr(option)))
        .join(' || ');
  }
}

/** Source text for a template; literal text is kept as is. */
export function printTemplate(template: Template): string {
  return template.segments
    .map((segment) => (segment.kind === 'text' ? segment.text : `<%= ${printExpr(segment.expr)} %>`))
    .join('');
}
