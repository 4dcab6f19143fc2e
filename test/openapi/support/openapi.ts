/**
 * openapi/openapi.yaml as data, and a checker that holds real responses against it: the
 * operation by method and route, the response object by status, the content type, the
 * documented headers, and the JSON body validated with Ajv (JSON Schema 2020-12).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../support/local-env';

export const OPENAPI_FILE = join(REPO_ROOT, 'openapi', 'openapi.yaml');

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;

type Json = Record<string, unknown>;

export interface HeaderObject {
  readonly description?: string;
  readonly required?: boolean;
  readonly schema?: Json;
  readonly $ref?: string;
}

export interface ResponseObject {
  readonly description: string;
  readonly headers?: Record<string, HeaderObject>;
  readonly content?: Record<string, { schema?: Json }>;
  readonly $ref?: string;
}

export interface Operation {
  readonly operationId: string;
  readonly security?: Array<Record<string, string[]>>;
  readonly parameters?: Json[];
  readonly requestBody?: Json;
  readonly responses: Record<string, ResponseObject>;
}

export type PathItem = Partial<Record<(typeof HTTP_METHODS)[number], Operation>> & { parameters?: Json[] };

export interface OpenApiDocument {
  readonly openapi: string;
  readonly info: { title: string; version: string };
  readonly security?: Array<Record<string, string[]>>;
  readonly paths: Record<string, PathItem>;
  readonly components: {
    schemas: Record<string, Json>;
    responses?: Record<string, ResponseObject>;
    headers?: Record<string, HeaderObject>;
    parameters?: Record<string, Json>;
    securitySchemes?: Record<string, Json>;
  };
}

export function readOpenApi(): OpenApiDocument {
  return parse(readFileSync(OPENAPI_FILE, 'utf8')) as OpenApiDocument;
}

/** Every operation of the document, as `METHOD /path` with the operation. */
export function operationsOf(
  doc: OpenApiDocument,
): Array<{ key: string; path: string; operation: Operation }> {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    HTTP_METHODS.flatMap((method) => {
      const operation = item[method];
      return operation === undefined ? [] : [{ key: `${method.toUpperCase()} ${path}`, path, operation }];
    }),
  );
}

const escapePointer = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');

/** The value at a local `#/a/b` reference, or undefined. */
export function resolvePointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  const segments = ref
    .slice(1)
    .split('/')
    .slice(1)
    .map((segment) => decodeURIComponent(segment).replaceAll('~1', '/').replaceAll('~0', '~'));
  let node: unknown = doc;
  for (const segment of segments) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, segment)) return undefined;
    node = (node as Json)[segment];
  }
  return node;
}

/** Every `$ref` in the document, with where it is. */
export function refsOf(node: unknown, at = '#'): Array<{ at: string; ref: string }> {
  if (Array.isArray(node)) return node.flatMap((item, index) => refsOf(item, `${at}/${index}`));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node as Json).flatMap(([key, value]) =>
    key === '$ref' && typeof value === 'string'
      ? [{ at, ref: value }]
      : refsOf(value, `${at}/${escapePointer(key)}`),
  );
}

/** A response as it arrived: header names lower-case, the body as text. */
export interface RealResponse {
  readonly method: string;
  /** The request path (no query). */
  readonly path: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface Checked {
  /** `METHOD /route status`, when the operation was found. */
  readonly key: string | undefined;
  readonly problems: string[];
}

const BASE_ID = 'https://handshake.invalid/openapi.yaml';

/** Makes a schema of the document usable on its own: local refs point into the registered components. */
function anchored(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(anchored);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema as Json).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' && value.startsWith('#')
        ? `${BASE_ID}${value}`
        : anchored(value),
    ]),
  );
}

export function newAjv(doc: OpenApiDocument): Ajv2020 {
  // Strict: a misspelt keyword or a type-less `required` in the document fails the test.
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  // The document's components, addressable as `${BASE_ID}#/components/schemas/X`.
  ajv.addKeyword('components');
  ajv.addSchema({ $id: BASE_ID, components: doc.components });
  return ajv;
}

/** `/installations/in_…/invoke` → `/installations/{id}/invoke`, from the document's paths. */
export function routeOf(doc: OpenApiDocument, path: string): string | undefined {
  return Object.keys(doc.paths).find((template) => {
    const source = template
      .split(/\{[^}]+\}/)
      .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
      .join('[^/]+');
    return new RegExp(`^${source}$`).test(path);
  });
}

export class ResponseChecker {
  private readonly ajv: Ajv2020;
  private readonly validators = new Map<string, ValidateFunction>();
  /** Every (operation, status) a valid response was seen for. */
  readonly covered = new Set<string>();
  readonly checked: Array<Checked & { response: string }> = [];

  constructor(private readonly doc: OpenApiDocument) {
    this.ajv = newAjv(doc);
  }

  private validator(id: string, schema: unknown): ValidateFunction {
    let validate = this.validators.get(id);
    if (validate === undefined) {
      validate = this.ajv.compile(anchored(schema) as Json);
      this.validators.set(id, validate);
    }
    return validate;
  }

  private deref<T>(node: T & { $ref?: string }): T | undefined {
    return node.$ref === undefined ? node : (resolvePointer(this.doc, node.$ref) as T | undefined);
  }

  private validate(id: string, schema: unknown, value: unknown, what: string): string[] {
    const validate = this.validator(id, schema);
    if (validate(value)) return [];
    return (validate.errors ?? []).map(
      (error) => `${what}${error.instancePath} ${error.message ?? ''} (${error.schemaPath})`,
    );
  }

  private checkHeaders(id: string, response: ResponseObject, real: RealResponse): string[] {
    const problems: string[] = [];
    for (const [name, declared] of Object.entries(response.headers ?? {})) {
      const header = this.deref(declared);
      const value = real.headers[name.toLowerCase()];
      if (header === undefined) problems.push(`header ${name}: unresolvable $ref`);
      else if (value === undefined) {
        if (header.required === true) problems.push(`header ${name} is required but was not sent`);
      } else if (header.schema !== undefined) {
        problems.push(...this.validate(`${id} header ${name}`, header.schema, value, `header ${name}`));
      }
    }
    return problems;
  }

  private checkBody(id: string, response: ResponseObject, real: RealResponse): string[] {
    const content = response.content ?? {};
    const declared = Object.keys(content);
    const type = real.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
    if (declared.length === 0) {
      return real.body === '' ? [] : [`no content is documented, but a ${type ?? 'typeless'} body came`];
    }
    if (type === undefined || !declared.includes(type)) {
      return [`content type ${type ?? '(none)'} is not one of the documented ${declared.join(', ')}`];
    }
    const schema = content[type]?.schema;
    if (schema === undefined) return [];
    let value: unknown = real.body;
    if (type === 'application/json') {
      try {
        value = JSON.parse(real.body);
      } catch {
        return ['the body is not JSON'];
      }
    }
    return this.validate(`${id} ${type}`, schema, value, 'body');
  }

  /** Holds one real response against the document; a valid one counts as covered. */
  check(real: RealResponse): Checked {
    const route = routeOf(this.doc, real.path);
    const method = real.method.toLowerCase() as (typeof HTTP_METHODS)[number];
    const operation = route === undefined ? undefined : this.doc.paths[route]?.[method];
    const result = ((): Checked => {
      if (route === undefined || operation === undefined) {
        return { key: undefined, problems: [`no operation for ${real.method} ${real.path}`] };
      }
      const key = `${real.method.toUpperCase()} ${route} ${real.status}`;
      const declared = operation.responses[String(real.status)];
      const response = declared === undefined ? undefined : this.deref(declared);
      if (response === undefined) return { key, problems: [`status ${real.status} is not documented`] };
      return {
        key,
        problems: [...this.checkHeaders(key, response, real), ...this.checkBody(key, response, real)],
      };
    })();
    this.checked.push({ ...result, response: `${real.method} ${real.path} → ${real.status}` });
    if (result.key !== undefined && result.problems.length === 0) this.covered.add(result.key);
    return result;
  }
}
