import { isRecord } from '../../../lib/app/record';
import { child, describeValue, type ProblemSink, type Where } from '../problems';

export interface ManifestFacts {
  readonly platformVersion: string | undefined;
  /** Declared request templates, each with the JSON path of its declaration. */
  readonly declared: ReadonlyMap<string, string>;
  /** Where this manifest's platform declares requests, for messages. */
  readonly requestsPlace: string;
}

const ROOT: Where = { file: 'manifest.json', path: '$' };
const V3_PLACE = 'modules.common.requests';
const V2_PLACE = 'product.<name>.requests';

/** Where a manifest may declare requests: by platform major version, or both when it is unknown. */
type Places = { readonly v3: boolean; readonly v2: boolean };

function readPlatformVersion(
  manifest: Readonly<Record<string, unknown>>,
  sink: ProblemSink,
): string | undefined {
  const version = manifest['platform-version'];
  const at = child(ROOT, 'platform-version');
  if (version === undefined) {
    sink.warning(at, 'platform-version is missing', 'a version such as "3.1" or "2.3"');
    return undefined;
  }
  if (typeof version !== 'string' || !/^\d+(\.\d+)*$/.test(version)) {
    sink.error(at, `platform-version is ${describeValue(version)}`, 'a version such as "3.1" or "2.3"');
    return undefined;
  }
  return version;
}

function placesFor(version: string | undefined): Places {
  if (version === undefined) return { v3: true, v2: true };
  const major = Number(version.split('.')[0]);
  return { v3: major >= 3, v2: major < 3 };
}

function readDeclarations(
  value: unknown,
  where: Where,
  declared: Map<string, string>,
  sink: ProblemSink,
): void {
  if (!isRecord(value)) {
    sink.error(where, `requests is ${describeValue(value)}`, 'an object of template names, each "name": {}');
    return;
  }
  for (const [name, entry] of Object.entries(value)) {
    const at = child(where, name);
    if (!isRecord(entry)) {
      sink.error(at, `declaration of "${name}" is ${describeValue(entry)}`, '"name": {}');
    } else {
      if (Object.keys(entry).length > 0)
        sink.warning(at, `the keys inside "${name}" are ignored`, '"name": {}');
      if (!declared.has(name)) declared.set(name, at.path);
    }
  }
}

/** A `requests` object found in the manifest. */
interface Place {
  readonly where: Where;
  readonly value: unknown;
}

function v3Places(manifest: Readonly<Record<string, unknown>>): Place[] {
  const modules = manifest.modules;
  const common = isRecord(modules) ? modules.common : undefined;
  if (!isRecord(common) || common.requests === undefined) return [];
  return [{ where: child(ROOT, 'modules', 'common', 'requests'), value: common.requests }];
}

function v2Places(manifest: Readonly<Record<string, unknown>>): Place[] {
  const products = manifest.product;
  if (!isRecord(products)) return [];
  return Object.entries(products).flatMap(([product, body]) =>
    isRecord(body) && body.requests !== undefined
      ? [{ where: child(ROOT, 'product', product, 'requests'), value: body.requests }]
      : [],
  );
}

function readPlaces(
  places: readonly Place[],
  allowed: boolean,
  version: string | undefined,
  expected: string,
  declared: Map<string, string>,
  sink: ProblemSink,
): void {
  for (const place of places) {
    if (allowed) readDeclarations(place.value, place.where, declared, sink);
    else
      sink.error(
        place.where,
        `platform ${version ?? '?'} does not declare requests here`,
        `declare them under ${expected}`,
      );
  }
}

/**
 * Reads what Handshake needs from manifest.json: the platform version and the declared request
 * templates (`modules.common.requests` on platform 3.x, `product.<name>.requests` on 2.x).
 * `value` is undefined when the file is missing or not JSON (already reported).
 */
export function readManifest(value: unknown, sink: ProblemSink): ManifestFacts {
  const declared = new Map<string, string>();
  if (!isRecord(value)) {
    if (value !== undefined) sink.error(ROOT, `the manifest holds ${describeValue(value)}`, 'a JSON object');
    return { platformVersion: undefined, declared, requestsPlace: V3_PLACE };
  }
  const platformVersion = readPlatformVersion(value, sink);
  const places = placesFor(platformVersion);
  readPlaces(v3Places(value), places.v3, platformVersion, V2_PLACE, declared, sink);
  readPlaces(v2Places(value), places.v2, platformVersion, V3_PLACE, declared, sink);
  return { platformVersion, declared, requestsPlace: places.v2 && !places.v3 ? V2_PLACE : V3_PLACE };
}
