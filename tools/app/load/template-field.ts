import { leadingOauthIparam } from '../../../lib/app/base-url';
import type { Expr, Root, Template } from '../../../lib/app/template/ast';
import { TemplateSyntaxError } from '../../../lib/app/template/errors';
import { formatName, referencedNames } from '../../../lib/app/template/names';
import { parseTemplate } from '../../../lib/app/template/parse';
import { ORIGIN } from '../../../lib/oauth/provider-url';
import { child, describeValue, type ProblemSink, type Where } from '../problems';

/** Parses a string field as a template; a syntax error becomes a problem with its offset. */
export function parseField(
  source: string,
  where: Where,
  label: string,
  sink: ProblemSink,
): Template | undefined {
  try {
    return parseTemplate(source);
  } catch (error: unknown) {
    if (!(error instanceof TemplateSyntaxError)) throw error;
    sink.error(
      where,
      `${label} ${describeValue(source)} cannot be parsed: ${error.reason} at offset ${error.offset}`,
      error.allowed,
    );
    return undefined;
  }
}

/** Parses every value of a string map as a template, keyed like the input. */
export function parseFieldMap(
  values: Readonly<Record<string, string>>,
  where: Where,
  sink: ProblemSink,
): Map<string, Template> | undefined {
  const parsed = new Map<string, Template>();
  let ok = true;
  for (const [key, source] of Object.entries(values)) {
    const template = parseField(source, child(where, key), key, sink);
    if (template === undefined) ok = false;
    else parsed.set(key, template);
  }
  return ok ? parsed : undefined;
}

/** Reports every name whose root is not among `roots` (e.g. oauth_config.json sees only oauth_iparams). */
export function restrictRoots(
  template: Template,
  roots: readonly Root[],
  where: Where,
  label: string,
  sink: ProblemSink,
): void {
  for (const name of referencedNames(template)) {
    if (!roots.includes(name.root)) {
      sink.error(
        where,
        `${label} uses ${formatName(name)}`,
        `expressions here may use only ${roots.map((root) => `${root}.NAME`).join(', ')}`,
      );
    }
  }
}

/**
 * Checks that a URL template is absolute https once rendered: each expression is replaced by a
 * plain label, so `https://<%= oauth_iparams.domain %>/token` passes and `<%= x %>/token` does not
 * — unless x is an oauth_iparams field, a base URL whose type integration.ts checks.
 * Plain http only reaches destinations on the egress allow list, hence a warning.
 */
export function checkAbsoluteUrl(template: Template, where: Where, label: string, sink: ProblemSink): void {
  // A URL may open with a base-URL field (lib/app/base-url.ts): it stands for an https origin.
  const opening = leadingOauthIparam(template) === undefined ? 'x' : 'https://x.example';
  const sample = template.segments
    .map((segment, index) => (segment.kind === 'text' ? segment.text : index === 0 ? opening : 'x'))
    .join('');
  const allowed = 'an absolute https URL; expressions may fill in parts of it';
  let url: URL;
  try {
    url = new URL(sample);
  } catch {
    sink.error(where, `${label} ${describeValue(template.source)} is not an absolute URL`, allowed);
    return;
  }
  if (url.protocol === 'http:') {
    sink.warning(
      where,
      `${label} ${describeValue(template.source)} uses plain http`,
      'https; http works only for destinations on HANDSHAKE_EGRESS_ALLOW',
    );
  } else if (url.protocol !== 'https:' || url.hostname === '') {
    sink.error(where, `${label} ${describeValue(template.source)} is not an https URL`, allowed);
  } else if (url.username !== '' || url.password !== '') {
    sink.error(where, `${label} ${describeValue(template.source)} contains credentials`, allowed);
  }
}

/** The literal texts an expression can yield as a whole (`a || 'https://x'`: the fallback). */
function literalsOf(expr: Expr): string[] {
  if (expr.kind === 'string') return [expr.value];
  if (expr.kind === 'or') return expr.options.flatMap(literalsOf);
  return [];
}

/**
 * A token, refresh or revocation URL: absolute https, whose scheme and host may also come from
 * the account as a whole (`<%= account.accounts_server || 'https://accounts.zoho.com' %>/token`),
 * which at run time must be an origin (lib/oauth/provider-url.ts) — and so must each fallback.
 */
export function checkProviderUrl(template: Template, where: Where, label: string, sink: ProblemSink): void {
  const [first, ...rest] = template.segments;
  const names = first?.kind === 'expr' ? referencedNames({ source: '', segments: [first] }) : [];
  if (first?.kind !== 'expr' || names.length === 0 || names.some((name) => name.root !== 'account')) {
    checkAbsoluteUrl(template, where, label, sink);
    return;
  }
  for (const literal of literalsOf(first.expr)) {
    if (ORIGIN.test(literal)) continue;
    sink.error(
      where,
      `${label} ${describeValue(template.source)} takes its scheme and host from ${describeValue(literal)}, which is not an origin`,
      'an origin such as https://accounts.zoho.com: a scheme and a host, no path, query or user information',
    );
  }
  const sample: Template = {
    source: template.source,
    segments: [{ kind: 'text', text: 'https://x' }, ...rest],
  };
  checkAbsoluteUrl(sample, where, label, sink);
}
