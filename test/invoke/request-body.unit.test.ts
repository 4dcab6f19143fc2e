/** The body of one invoke (lib/invoke/request-body.ts) and the invoke's `files` (lib/api/invoke-files.ts). */
import * as v from 'valibot';
import { invokeFiles } from '../../lib/api/invoke-files';
import type { RequestTemplate, RequestUpload } from '../../lib/app/model';
import { parseTemplate } from '../../lib/app/template';
import { InvalidInputError, PayloadTooLargeError, TemplateRequestError } from '../../lib/errors';
import { payloadOf, type UploadFile, withPayload } from '../../lib/invoke/request-body';

const LIMITS = { maxBodyBytes: 100, maxUploadBytes: 1000 };
const SCOPE = { context: { id: 'u-1', ref: 'doc' }, iparam: {} };

function template(upload?: RequestUpload): RequestTemplate {
  return {
    name: 't',
    method: 'POST',
    protocol: 'https',
    host: parseTemplate('api.example.com'),
    path: parseTemplate('/'),
    headers: new Map(),
    query: new Map(),
    oauth: undefined,
    maxAttempts: 1,
    retryDelay: 0,
    ...(upload === undefined ? {} : { upload }),
  };
}

const part = (name: string, source: string) => ({ name, value: parseTemplate(source) });
const form = template({
  kind: 'formData',
  fields: [part('user', '<%= context.id %>')],
  files: [part('doc', '<%= context.ref %>')],
});
const raw = template({ kind: 'file', ref: parseTemplate('<%= context.ref %>') });
const files = (entries: Record<string, UploadFile>) => new Map(Object.entries(entries));

describe('payloadOf', () => {
  it('builds a multipart body the runtime parses back, with its boundary in the Content-Type', async () => {
    // Prepare
    const bytes = new Uint8Array([0, 255, 13, 10, 45, 45]);
    // Act
    const payload = await payloadOf(
      form,
      { files: files({ doc: { bytes, filename: 'a "b".pdf' } }) },
      SCOPE,
      LIMITS,
    );
    // Assess
    expect(payload.contentType).toEqual({
      value: expect.stringMatching(/^multipart\/form-data; boundary=/),
      replaces: true,
    });
    const parsed = await new Response(payload.body, {
      headers: { 'content-type': payload.contentType?.value ?? '' },
    }).formData();
    expect(parsed.get('user')).toBe('u-1');
    const file = parsed.get('doc') as File;
    expect([file.name, file.type]).toEqual(['a "b".pdf', 'application/octet-stream']);
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(bytes);
  });

  it('sends a raw file as its bytes, typed by the file unless the template types it', async () => {
    // Prepare
    const bytes = new Uint8Array([1, 2, 3]);
    // Act
    const payload = await payloadOf(
      raw,
      { files: files({ doc: { bytes, contentType: 'image/png' } }) },
      SCOPE,
      LIMITS,
    );
    // Assess
    expect(payload).toEqual({ body: bytes, contentType: { value: 'image/png', replaces: false } });
  });

  it('keeps the invoke body for a template without upload: a string as is, JSON otherwise', async () => {
    await expect(payloadOf(template(), { body: 'a=b' }, SCOPE, LIMITS)).resolves.toEqual({ body: 'a=b' });
    await expect(payloadOf(template(), { body: { a: 1 } }, SCOPE, LIMITS)).resolves.toEqual({
      body: '{"a":1}',
    });
    await expect(payloadOf(template(), {}, SCOPE, LIMITS)).resolves.toEqual({ body: undefined });
  });

  it.each([
    [
      'a ref that names no file',
      raw,
      { files: files({}) },
      InvalidInputError,
      /names the file "doc", but the invoke has no files/,
    ],
    [
      'a file no ref names',
      raw,
      { files: files({ doc: { bytes: new Uint8Array() }, other: { bytes: new Uint8Array() } }) },
      InvalidInputError,
      /files has "other"/,
    ],
    [
      'a body beside an upload',
      form,
      { body: 'x' },
      InvalidInputError,
      /builds its body from schema\.formData/,
    ],
    [
      'files without an upload',
      template(),
      { files: files({ doc: { bytes: new Uint8Array() } }) },
      InvalidInputError,
      /takes no files/,
    ],
    [
      'a raw file over the limit',
      raw,
      { files: files({ doc: { bytes: new Uint8Array(1001) } }) },
      PayloadTooLargeError,
      /1001 bytes/,
    ],
    [
      'a multipart body over the limit',
      form,
      { files: files({ doc: { bytes: new Uint8Array(900) } }) },
      PayloadTooLargeError,
      /at most 1000/,
    ],
    ['a body over its limit', template(), { body: 'x'.repeat(101) }, PayloadTooLargeError, /at most 100/],
  ])('refuses %s', async (_what, used, input, type, message) => {
    const built = payloadOf(used, input, SCOPE, LIMITS);
    await expect(built).rejects.toThrow(type);
    await expect(built).rejects.toThrow(message);
  });

  it('names the field whose substitution fails', async () => {
    // Act
    const built = payloadOf(form, { files: files({}) }, { context: { id: { an: 'object' } } }, LIMITS);
    // Assess
    await expect(built).rejects.toThrow(TemplateRequestError);
    await expect(built).rejects.toThrow(/schema\.formData\.fields\.user/);
  });
});

describe('withPayload', () => {
  const request = (headers: Record<string, string>) => ({ url: 'https://x/', headers });

  it("replaces the template's Content-Type, whatever its case, where the body needs its own", () => {
    const sent = withPayload(request({ 'content-TYPE': 'multipart/form-data', A: 'b' }), {
      body: 'x',
      contentType: { value: 'multipart/form-data; boundary=z', replaces: true },
    });
    expect(sent.headers).toEqual({ A: 'b', 'Content-Type': 'multipart/form-data; boundary=z' });
  });

  it('fills in a Content-Type only where the template has none', () => {
    const typed = { body: 'x', contentType: { value: 'image/png', replaces: false } };
    expect(withPayload(request({ 'Content-Type': 'application/octet-stream' }), typed).headers).toEqual({
      'Content-Type': 'application/octet-stream',
    });
    expect(withPayload(request({}), typed).headers).toEqual({ 'Content-Type': 'image/png' });
    expect(withPayload(request({ A: 'b' }), { body: 'x' })).toEqual({ ...request({ A: 'b' }), body: 'x' });
  });
});

describe('the invoke files', () => {
  const parse = (content: unknown) => v.safeParse(invokeFiles, { f: { content } });

  it.each(['', 'AA==', 'AAA=', 'AAAA', 'SGVsbG8gd29ybGQ=', '+/+/'])(
    'accepts the base64 %j and decodes it',
    (content) => {
      const parsed = parse(content);
      expect(parsed.success && Buffer.from(parsed.output.get('f')?.bytes ?? []).toString('base64')).toBe(
        content,
      );
    },
  );

  it.each(['A', 'AA=', 'A===', 'AA=A', 'ab-_', 'SGVs bG8=', 'SGVs\nbG8=', 'é', 42])(
    'refuses %j',
    (content) => {
      expect(parse(content).success).toBe(false);
    },
  );

  it.each([
    { filename: '' },
    { filename: 'a\tb' },
    { filename: 'x'.repeat(256) },
    { contentType: 'png' },
    { contentType: 'image/png\r\nX-A: b' },
    { contentType: 'a/b; c' },
    { other: 1 },
  ])('refuses the file %j', (about) => {
    expect(v.safeParse(invokeFiles, { f: { content: '', ...about } }).success).toBe(false);
  });

  it('accepts a media type with parameters and a file name of any script', () => {
    const parsed = v.safeParse(invokeFiles, {
      f: { content: '', filename: 'résumé ✓.pdf', contentType: 'text/plain; charset="utf-8"' },
    });
    expect(parsed.success && parsed.output.get('f')).toEqual({
      bytes: Buffer.alloc(0),
      filename: 'résumé ✓.pdf',
      contentType: 'text/plain; charset="utf-8"',
    });
  });
});
