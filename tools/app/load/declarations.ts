import { child, type ProblemSink, type Where } from '../problems';
import type { ManifestFacts } from './manifest';

const MAX_LISTED = 10;
const listed = (names: readonly string[]): string =>
  names.length > MAX_LISTED ? `${names.slice(0, MAX_LISTED).join(', ')}, …` : names.join(', ');

/**
 * A template can be invoked only when the manifest declares it. A declared template missing from
 * requests.json is an error; a template nobody declared is only dead weight, hence a warning.
 * `requestNames` are all names in requests.json (undefined when the file is absent).
 */
export function checkDeclarations(
  manifest: ManifestFacts,
  requestNames: readonly string[] | undefined,
  sink: ProblemSink,
): void {
  const names = requestNames ?? [];
  for (const [name, path] of manifest.declared) {
    if (names.includes(name)) continue;
    sink.error(
      { file: 'manifest.json', path },
      requestNames === undefined
        ? `template "${name}" is declared but there is no config/requests.json`
        : `template "${name}" is declared but config/requests.json has no such template`,
      names.length === 0 ? 'templates defined in config/requests.json' : listed(names),
    );
  }
  const root: Where = { file: 'config/requests.json', path: '$' };
  for (const name of names) {
    if (manifest.declared.has(name)) continue;
    sink.warning(
      child(root, name),
      `template "${name}" is not declared in manifest.json, so it can never be invoked`,
      `declare it in manifest.json under ${manifest.requestsPlace} as "${name}": {}`,
    );
  }
}
