export { ALLOWED_EXPRESSIONS, type Expr, isRoot, ROOTS, type Root, type Segment, type Template } from './ast';
export { TemplateRenderError, TemplateSyntaxError } from './errors';
export { formatName, type NameReference, referencedNames } from './names';
export { isStatic, parseTemplate } from './parse';
export { printExpr, printTemplate } from './print';
export { renderTemplate, type TemplateScope } from './render';
