import type { Expr, Root, Template } from './ast';

export interface NameReference {
  readonly root: Root;
  readonly path: readonly string[];
}

function collect(expr: Expr, into: NameReference[]): void {
  switch (expr.kind) {
    case 'string':
      return;
    case 'name':
      into.push({ root: expr.root, path: expr.path });
      return;
    case 'encode':
      collect(expr.arg, into);
      return;
    case 'concat':
      for (const part of expr.parts) collect(part, into);
      return;
    case 'or':
      for (const option of expr.options) collect(option, into);
      return;
  }
}

/** Every name a template reads, in source order (with repeats), for validation. */
export function referencedNames(template: Template): NameReference[] {
  const names: NameReference[] = [];
  for (const segment of template.segments) if (segment.kind === 'expr') collect(segment.expr, names);
  return names;
}

/** `iparam.api_key` */
export const formatName = (name: NameReference): string => [name.root, ...name.path].join('.');
