import type { FormPart, RequestTemplate } from '../app/model';
import type { TemplateScope } from '../app/template';
import { InvalidInputError, PayloadTooLargeError } from '../errors';
import { render } from './render-request';

/** A file the invoke carries (base64 in its `files`, decoded by lib/api/invoke-files.ts). */
export interface UploadFile {
  readonly bytes: Uint8Array;
  readonly filename?: string | undefined;
  readonly contentType?: string | undefined;
}

/** What the body of one invoke is made of: its `body`, or the files a template's upload names. */
export interface BodyInput {
  readonly body?: unknown;
  readonly files?: ReadonlyMap<string, UploadFile> | undefined;
}

export interface BodyLimits {
  /** The invoke's `body`, as FDK limits it. */
  readonly maxBodyBytes: number;
  /** A built upload (the whole multipart body, or the file). */
  readonly maxUploadBytes: number;
}

/** The request body to send, and the Content-Type it needs. */
export interface Payload {
  readonly body: string | Uint8Array | undefined;
  /** `replaces`: the template's Content-Type gives way (a multipart boundary); otherwise only fills in. */
  readonly contentType?: { readonly value: string; readonly replaces: boolean };
}

const OCTET_STREAM = 'application/octet-stream';

function invokeBody(body: unknown, limit: number): Payload {
  if (body === undefined || body === null) return { body: undefined };
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const size = Buffer.byteLength(text, 'utf8');
  if (size > limit) throw new PayloadTooLargeError(size, limit, 'The request body');
  return { body: text };
}

/** The file a rendered `ref` names; every file of the invoke must be named by one. */
function fileNamed(files: ReadonlyMap<string, UploadFile>, ref: string, where: string): UploadFile {
  const file = files.get(ref);
  if (file !== undefined) return file;
  const given = files.size === 0 ? 'no files' : `files ${[...files.keys()].map((k) => `"${k}"`).join(', ')}`;
  throw new InvalidInputError(`${where} names the file "${ref}", but the invoke has ${given}`);
}

function checkAllNamed(files: ReadonlyMap<string, UploadFile>, refs: ReadonlySet<string>): void {
  const unnamed = [...files.keys()].filter((name) => !refs.has(name));
  if (unnamed.length > 0) {
    throw new InvalidInputError(`files has "${unnamed.join('", "')}", which the template does not name`);
  }
}

function checkSize(size: number, limit: number): void {
  if (size > limit) throw new PayloadTooLargeError(size, limit, 'The upload');
}

/**
 * The multipart body of `schema.formData`, encoded by the runtime's own FormData (undici): the
 * boundary and the Content-Type carrying it come from there, and it escapes part names and
 * file names.
 */
async function multipart(
  parts: { readonly fields: readonly FormPart[]; readonly files: readonly FormPart[] },
  files: ReadonlyMap<string, UploadFile>,
  scope: TemplateScope,
  limit: number,
): Promise<Payload> {
  const form = new FormData();
  const refs = new Set<string>();
  for (const { name, value } of parts.fields) {
    form.append(name, render(value, scope, `schema.formData.fields.${name}`));
  }
  for (const { name, value } of parts.files) {
    const ref = render(value, scope, `schema.formData.files.${name}.ref`);
    const file = fileNamed(files, ref, `schema.formData.files.${name}.ref`);
    refs.add(ref);
    form.append(
      name,
      new Blob([file.bytes], { type: file.contentType ?? OCTET_STREAM }),
      file.filename ?? ref,
    );
  }
  checkAllNamed(files, refs);
  const encoded = new Response(form);
  const body = new Uint8Array(await encoded.arrayBuffer());
  checkSize(body.byteLength, limit);
  return { body, contentType: { value: encoded.headers.get('content-type') ?? '', replaces: true } };
}

/**
 * The body of one invoke: its `body` (sent as is when a string, as JSON otherwise), or for a
 * template with `schema.formData` / `schema.file` the files it names, which then replace
 * `body`. Upload values render with the query's scope (`scope`). Checked before anything is
 * sent: a missing or unnamed file, a `body` next to an upload, a size over its limit.
 */
export async function payloadOf(
  template: RequestTemplate,
  input: BodyInput,
  scope: TemplateScope,
  limits: BodyLimits,
): Promise<Payload> {
  const { upload } = template;
  const files = input.files ?? new Map<string, UploadFile>();
  if (upload === undefined) {
    if (files.size > 0) {
      throw new InvalidInputError(
        `Template "${template.name}" has no schema.formData or schema.file: it takes no files`,
      );
    }
    return invokeBody(input.body, limits.maxBodyBytes);
  }
  if (input.body !== undefined && input.body !== null) {
    throw new InvalidInputError(
      `Template "${template.name}" builds its body from schema.${upload.kind}: send the files in files, not a body`,
    );
  }
  if (upload.kind === 'formData') return multipart(upload, files, scope, limits.maxUploadBytes);
  const ref = render(upload.ref, scope, 'schema.file.ref');
  const file = fileNamed(files, ref, 'schema.file.ref');
  checkAllNamed(files, new Set([ref]));
  checkSize(file.bytes.byteLength, limits.maxUploadBytes);
  return { body: file.bytes, contentType: { value: file.contentType ?? OCTET_STREAM, replaces: false } };
}

/** The rendered request with the payload's body and, where it needs one, its Content-Type. */
export function withPayload<R extends { readonly headers: Readonly<Record<string, string>> }>(
  request: R,
  payload: Payload,
): R & { readonly body: string | Uint8Array | undefined } {
  const { contentType } = payload;
  const names = Object.keys(request.headers).filter((name) => name.toLowerCase() === 'content-type');
  if (contentType === undefined || (names.length > 0 && !contentType.replaces)) {
    return { ...request, body: payload.body };
  }
  const headers = { ...request.headers };
  for (const name of names) delete headers[name];
  return { ...request, headers: { ...headers, 'Content-Type': contentType.value }, body: payload.body };
}
