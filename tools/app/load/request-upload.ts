import type { FormPart, RequestUpload } from '../../../lib/app/model';
import { child, describeValue, type ProblemSink, type Where } from '../problems';
import type { RequestTemplateParts } from '../schemas/requests';
import type { TemplateField } from './references';
import { parseField } from './template-field';

type Schema = NonNullable<RequestTemplateParts['schema']>;

/** What the upload keys of one template gave: the model's upload and its fields to check. */
export interface ReadUpload {
  /** Undefined when the template has neither key, or one of them has errors (reported). */
  readonly upload: RequestUpload | undefined;
  readonly fields: readonly TemplateField[];
}

// A part's name is sent in a Content-Disposition header: fixed text, no control character.
const CONTROL = /\p{Cc}/u;

function checkPartName(name: string, where: Where, sink: ProblemSink): boolean {
  if (name === '' || name.includes('<%') || CONTROL.test(name)) {
    sink.error(
      where,
      `form field name ${describeValue(name)} is not a fixed name`,
      'a non-empty name without expressions or control characters',
    );
    return false;
  }
  return true;
}

/** Parses each entry's template; undefined when any name or template has an error. */
function readParts(
  entries: readonly (readonly [string, string])[],
  where: Where,
  refKey: string | undefined,
  sink: ProblemSink,
  fields: TemplateField[],
): FormPart[] | undefined {
  const parts: FormPart[] = [];
  let ok = true;
  for (const [name, source] of entries) {
    const at = refKey === undefined ? child(where, name) : child(where, name, refKey);
    const label = refKey === undefined ? `form field ${name}` : `form file ${name}`;
    const value = checkPartName(name, child(where, name), sink)
      ? parseField(source, at, label, sink)
      : undefined;
    if (value === undefined) ok = false;
    else {
      parts.push({ name, value });
      fields.push({ template: value, where: at, label, place: 'body' });
    }
  }
  return ok ? parts : undefined;
}

function readFormData(
  formData: NonNullable<Schema['formData']>,
  where: Where,
  sink: ProblemSink,
  failed: boolean,
): ReadUpload {
  const fieldEntries = Object.entries(formData.fields ?? {});
  const fileEntries = Object.entries(formData.files ?? {}).map(([name, file]) => [name, file.ref] as const);
  const checked: TemplateField[] = [];
  // An entry that failed the schema was removed: the object is not empty for that.
  if (fieldEntries.length + fileEntries.length === 0 && !failed) {
    sink.error(where, 'formData has no fields and no files', 'at least one entry in fields or files');
  }
  for (const [name] of fileEntries) {
    if (Object.hasOwn(formData.fields ?? {}, name))
      sink.error(
        child(where, 'files', name),
        `form part ${name} is both a field and a file`,
        'distinct names',
      );
  }
  const fields = readParts(fieldEntries, child(where, 'fields'), undefined, sink, checked);
  const files = readParts(fileEntries, child(where, 'files'), 'ref', sink, checked);
  const upload =
    fields === undefined || files === undefined ? undefined : { kind: 'formData' as const, fields, files };
  return { upload, fields: checked };
}

/**
 * FDK's `schema.formData` and `schema.file`: at most one of them, on a method that sends a
 * body. Their values are templates like a query's (context and non-secure iparams: the body
 * may be echoed back to the caller), their names fixed text. `failed`: whether the schema
 * refused something inside `formData` (reported already).
 */
export function readUpload(
  schema: Schema,
  where: Where,
  sink: ProblemSink,
  failed: (key: string) => boolean,
): ReadUpload {
  const { formData, file, method } = schema;
  const key = formData === undefined ? 'file' : 'formData';
  if (formData !== undefined && file !== undefined) {
    sink.error(child(where, 'file'), 'schema has both formData and file', 'one of formData or file');
  }
  if (method === 'GET' && (formData !== undefined || file !== undefined)) {
    sink.error(
      child(where, key),
      `schema.${key} on a GET request`,
      'POST, PUT, PATCH or DELETE: a GET sends no body',
    );
  }
  if (formData !== undefined)
    return readFormData(formData, child(where, 'formData'), sink, failed('formData'));
  if (file === undefined) return { upload: undefined, fields: [] };
  const at = child(where, 'file', 'ref');
  const ref = parseField(file.ref, at, 'file ref', sink);
  if (ref === undefined) return { upload: undefined, fields: [] };
  return {
    upload: { kind: 'file', ref },
    fields: [{ template: ref, where: at, label: 'file ref', place: 'body' }],
  };
}
