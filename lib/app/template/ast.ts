/** The names an expression may start from; nothing else is in scope. */
export const ROOTS = [
  'context',
  'iparam',
  'oauth_iparams',
  'access_token',
  'current_host',
  'app_settings',
  'account',
] as const;
export type Root = (typeof ROOTS)[number];

export const isRoot = (name: string): name is Root => (ROOTS as readonly string[]).includes(name);

/** An expression inside `<%= … %>`: the whole language, nothing that can call or assign. */
export type Expr =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'name'; readonly root: Root; readonly path: readonly string[] }
  | { readonly kind: 'encode'; readonly arg: Expr }
  /** `a + b + …`, at least two parts. */
  | { readonly kind: 'concat'; readonly parts: readonly Expr[] }
  /** `a || b || …`, at least two options. */
  | { readonly kind: 'or'; readonly options: readonly Expr[] };

export type Segment =
  | { readonly kind: 'text'; readonly text: string }
  /** `offset` is where `<%=` starts in the source (for the validator's messages; a bundled model has none). */
  | { readonly kind: 'expr'; readonly expr: Expr; readonly offset?: number };

/** A parsed template string: literal text and expressions, in order. */
export interface Template {
  readonly source: string;
  readonly segments: readonly Segment[];
}

/** What may appear inside `<%= %>`, for error messages. */
export const ALLOWED_EXPRESSIONS =
  "<%= EXPR %> where EXPR is context.NAME, iparam.NAME, oauth_iparams.NAME, access_token, current_host.endpoint_urls.PRODUCT, app_settings.PATH, account.NAME, 'text', encode(EXPR), EXPR + EXPR, EXPR || EXPR or (EXPR)";
