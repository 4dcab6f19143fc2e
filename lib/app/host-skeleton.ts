import type { Segment, Template } from './template/ast';
import { type NameReference, referencedNames } from './template/names';

/** Stands for an expression in a skeleton (a private-use character no literal host may hold). */
export const MARK = '\uE000';

/** The template's text with each expression replaced by one MARK. */
export const skeletonOf = (template: Template): string =>
  template.segments
    .map((segment) => (segment.kind === 'text' ? segment.text.replaceAll(MARK, '\uFFFD') : MARK))
    .join('');

/**
 * True when the literal text of a host skeleton (`name[:port]`) fixes at least a registrable
 * domain, i.e. two whole labels after the last expression. The label an expression touches is
 * not fixed: `<%= x %>example.com` lets x = `evil` make `evilexample.com`. Without a public
 * suffix list, `co.uk` counts as a domain; allowed_hosts patterns are the author's to get right.
 */
export function domainIsFixed(hostSkeleton: string): boolean {
  const [name = ''] = hostSkeleton.split(':');
  const at = name.lastIndexOf(MARK);
  const tail = name.slice(at + 1);
  const labels = tail.split('.');
  // After an expression, the first label is only partly literal (empty when the tail starts with '.').
  if (at >= 0) labels.shift();
  return labels.filter((label) => label !== '').length >= 2;
}

/** `scheme://authority`; the authority ends at the path, query or fragment. */
const AUTHORITY = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/;

/** Where the authority (`host[:port]`, after any user information) sits in a URL skeleton. */
function authorityRange(skeleton: string): { start: number; end: number } | undefined {
  const match = AUTHORITY.exec(skeleton);
  const authority = match?.[1];
  if (match === null || authority === undefined) return undefined;
  const end = match[0].length;
  const userInfo = authority.lastIndexOf('@');
  return { start: end - authority.length + userInfo + 1, end };
}

/**
 * True when the literal text of a URL template does not fix the registrable domain of its host:
 * whoever supplies the expressions' values decides which server the URL reaches. A URL whose
 * scheme is not literal counts as chosen too.
 */
export function urlHostIsChosen(template: Template): boolean {
  const skeleton = skeletonOf(template);
  const range = authorityRange(skeleton);
  return range === undefined || !domainIsFixed(skeleton.slice(range.start, range.end));
}

/** The names used by the expressions that make up the host of a URL template (all of them if unclear). */
export function urlHostNames(template: Template): NameReference[] {
  const range = authorityRange(skeletonOf(template));
  const inHost: Segment[] = [];
  let position = 0;
  for (const segment of template.segments) {
    if (segment.kind === 'text') {
      position += segment.text.length;
      continue;
    }
    if (range === undefined || (position >= range.start && position < range.end)) inHost.push(segment);
    position += MARK.length;
  }
  return referencedNames({ source: template.source, segments: inHost });
}
