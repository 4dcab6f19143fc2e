import type { RequestTemplate } from '../../../lib/app/model';
import { isRecord } from '../../../lib/app/record';
import { child, describeValue, type ProblemSink, type Where } from '../problems';
import { type RequestScope, readRequestTemplate } from './request-template';

export const MAX_TEMPLATES = 100;
const TEMPLATE_NAME = /^[A-Za-z0-9_-]+$/;
const ROOT: Where = { file: 'config/requests.json', path: '$' };

/** Reads config/requests.json; `value` is undefined when the file does not exist. */
export function readRequests(
  value: unknown,
  scope: RequestScope,
  sink: ProblemSink,
): Map<string, RequestTemplate> {
  const templates = new Map<string, RequestTemplate>();
  if (value === undefined) return templates;
  if (!isRecord(value)) {
    sink.error(ROOT, `the file holds ${describeValue(value)}`, 'an object of template names to templates');
    return templates;
  }
  const entries = Object.entries(value);
  if (entries.length > MAX_TEMPLATES) {
    sink.error(ROOT, `${entries.length} templates are configured`, `at most ${MAX_TEMPLATES} templates`);
  }
  for (const [name, raw] of entries) {
    const where = child(ROOT, name);
    const named = TEMPLATE_NAME.test(name);
    if (!named) sink.error(where, `template name "${name}" is not allowed`, 'letters, digits, _ and -');
    // Read even under a bad name: what is wrong inside is wrong under any name.
    const template = readRequestTemplate(name, raw, where, scope, sink);
    if (named && template !== undefined) templates.set(name, template);
  }
  return templates;
}
