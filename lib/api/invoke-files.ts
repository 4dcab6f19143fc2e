/**
 * The invoke's `files`: what a template's schema.formData / schema.file names by its `ref`
 * (on FDK an upload in the platform's object store). Each file's bytes come base64; decoded
 * here, so a content that is not base64 is refused before anything is rendered or sent.
 */
import * as v from 'valibot';
import type { UploadFile } from '../invoke/request-body';
import { jsonObject, jsonRecord } from '../validation';

// RFC 4648 base64, padded (what btoa and Buffer write). Buffer.from would skip any other
// character silently and send different bytes.
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const MEDIA_TYPE = new RegExp(
  `^${TOKEN}/${TOKEN}(?:\\s*;\\s*${TOKEN}=(?:${TOKEN}|"[^"\\\\\\p{Cc}]*"))*$`,
  'u',
);
const CONTROL = /\p{Cc}/u;

const fileSchema = jsonObject({
  content: v.pipe(
    v.string(),
    v.check(
      (text) => text.length % 4 === 0 && BASE64.test(text),
      'not base64 (A-Z, a-z, 0-9, + and /, padded with =)',
    ),
  ),
  filename: v.optional(
    v.pipe(
      v.string(),
      v.minLength(1),
      v.maxLength(255),
      v.check((name) => !CONTROL.test(name), 'has a control character'),
    ),
  ),
  contentType: v.optional(
    v.pipe(v.string(), v.maxLength(255), v.regex(MEDIA_TYPE, 'not a media type (type/subtype; parameters)')),
  ),
});

/** `files` of the invoke body: names to `{ content (base64), filename?, contentType? }`. */
export const invokeFiles = v.pipe(
  jsonRecord(fileSchema),
  v.transform(
    (files): ReadonlyMap<string, UploadFile> =>
      new Map(
        Object.entries(files).map(([name, { content, ...about }]) => [
          name,
          { bytes: Buffer.from(content, 'base64'), ...about },
        ]),
      ),
  ),
);
