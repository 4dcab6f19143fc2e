/**
 * Request bodies and binary answers through POST /installations/{id}/invoke, against a real
 * local upstream that records every byte it receives: FDK's schema.formData (a multipart body
 * the upstream parses) and schema.file (a raw upload), files given base64 in the invoke;
 * a binary answer back whole in base64; every refusal before anything is sent.
 */
import { randomBytes } from 'node:crypto';
import { useHarness } from '../support/harness';
import type { UpstreamRequest } from '../support/upstream';
import { installationOn, invoke, useUpstream } from './support/invoke-api';

useHarness({ env: { HANDSHAKE_RATE_LIMIT_PER_MINUTE: '0' } });

const MB = 1024 * 1024;

const upstream = useUpstream();
let installation: { id: string; apiKey: string };
beforeAll(async () => {
  installation = await installationOn(upstream().host);
});

const base64 = (bytes: Buffer) => bytes.toString('base64');

function lastRequest(): UpstreamRequest {
  const request = upstream().requests.at(-1);
  if (request === undefined) throw new Error('the upstream received nothing');
  return request;
}

/** The multipart body as the upstream received it, parsed by the runtime's own parser. */
const parsedForm = (request: UpstreamRequest) =>
  new Response(request.raw, {
    headers: { 'content-type': request.headers['content-type'] ?? '' },
  }).formData();

describe('schema.formData', () => {
  it('sends a text field and a file as a multipart body the upstream parses', async () => {
    // Prepare
    const image = randomBytes(70_000);
    // Act
    const { http, envelope } = await invoke(installation, {
      template: 'uploadForm',
      context: { user_id: 'u-42 ✓', ref1: 'avatar' },
      files: { avatar: { content: base64(image), filename: 'me.png', contentType: 'image/png' } },
    });
    // Assess
    expect(http).toBe(200);
    expect(envelope).toMatchObject({ status: 201, attempts: 1 });
    const received = lastRequest();
    expect(received.method).toBe('POST');
    // The template's bare `multipart/form-data` gave way to FormData's, which carries the boundary.
    expect(received.headers['content-type']).toMatch(/^multipart\/form-data; boundary=\S+$/);
    const form = await parsedForm(received);
    expect(form.get('userId')).toBe('u-42 ✓');
    expect(form.get('note')).toBe(`from ${upstream().host}`);
    const file = form.get('image1') as File;
    expect(file.name).toBe('me.png');
    expect(file.type).toBe('image/png');
    expect(Buffer.from(await file.arrayBuffer()).equals(image)).toBe(true);
    expect(JSON.parse(envelope.response)).toEqual({ received: received.raw.length });
  });

  it('names a file by its ref and types it application/octet-stream when the invoke says nothing', async () => {
    // Prepare
    const bytes = Buffer.from([0, 1, 2, 253, 254, 255]);
    // Act
    const { envelope } = await invoke(installation, {
      template: 'uploadForm',
      context: { user_id: '7', ref1: 'blob-1' },
      files: { 'blob-1': { content: base64(bytes) } },
    });
    // Assess
    expect(envelope.status).toBe(201);
    const file = (await parsedForm(lastRequest())).get('image1') as File;
    expect([file.name, file.type]).toEqual(['blob-1', 'application/octet-stream']);
    expect(Buffer.from(await file.arrayBuffer()).equals(bytes)).toBe(true);
  });
});

describe('schema.file', () => {
  it('sends the file byte for byte with the content type the invoke gives', async () => {
    // Prepare
    const pdf = randomBytes(300_000);
    // Act
    const { envelope } = await invoke(installation, {
      template: 'uploadRaw',
      context: { file_ref: 'report' },
      files: { report: { content: base64(pdf), contentType: 'application/pdf' } },
    });
    // Assess
    expect(envelope.status).toBe(201);
    const received = lastRequest();
    expect(received.method).toBe('PUT');
    expect(received.headers['content-type']).toBe('application/pdf');
    expect(received.headers['content-length']).toBe(String(pdf.length));
    expect(received.raw.equals(pdf)).toBe(true);
  });

  it("keeps the template's own Content-Type", async () => {
    // Prepare
    const bytes = randomBytes(1000);
    // Act
    const { envelope } = await invoke(installation, {
      template: 'uploadTyped',
      files: { document: { content: base64(bytes), contentType: 'image/png' } },
    });
    // Assess
    expect(envelope.status).toBe(201);
    expect(lastRequest().headers['content-type']).toBe('application/octet-stream');
    expect(lastRequest().raw.equals(bytes)).toBe(true);
  });
});

describe('binary answers', () => {
  it('answers a 2 MB PDF in base64 that decodes to the very bytes the upstream sent', async () => {
    // Act
    const { http, envelope } = await invoke(installation, {
      template: 'binary',
      context: { bytes: String(2 * MB), type: 'application/pdf' },
    });
    // Assess
    expect(http).toBe(200);
    expect(envelope).toMatchObject({ status: 200, encoding: 'base64', attempts: 1 });
    expect(envelope.headers['content-type']).toBe('application/pdf');
    const sent = upstream().served.at(-1);
    expect(sent?.length).toBe(2 * MB);
    expect(Buffer.from(envelope.response, 'base64').equals(sent ?? Buffer.alloc(0))).toBe(true);
  });

  it('answers JSON as before: the text itself, no encoding field', async () => {
    // Act
    const { envelope } = await invoke(installation, { template: 'public' });
    // Assess
    expect(Object.keys(envelope)).toEqual(['status', 'headers', 'response', 'attempts']);
    expect(JSON.parse(envelope.response)).toMatchObject({ method: 'GET', url: '/echo/public' });
  });

  it('refuses a binary answer whose base64 does not fit the 6 MB envelope, as any answer too large', async () => {
    // Act: 4.6 MB is 6.1 MB in base64
    const { http, envelope } = await invoke(installation, {
      template: 'binary',
      context: { bytes: String(Math.round(4.6 * MB)), type: 'image/png' },
    });
    // Assess
    expect(http).toBe(502);
    expect(envelope).toMatchObject({ errorSource: 'PLATFORM', code: 'RESPONSE_TOO_LARGE', attempts: 1 });
  });
});

describe('refusals send nothing upstream', () => {
  const refusals: [string, object, number, string, RegExp][] = [
    [
      'a file content that is not base64',
      { template: 'uploadRaw', context: { file_ref: 'a' }, files: { a: { content: 'not base64!' } } },
      400,
      'INVALID_REQUEST',
      /files\.a\.content: not base64/,
    ],
    [
      'base64url, which Buffer would decode to other bytes',
      { template: 'uploadRaw', context: { file_ref: 'a' }, files: { a: { content: 'ab-_' } } },
      400,
      'INVALID_REQUEST',
      /files\.a\.content: not base64/,
    ],
    [
      'a file over the 4 MB upload limit',
      {
        template: 'uploadRaw',
        context: { file_ref: 'a' },
        files: { a: { content: base64(Buffer.alloc(4 * MB + 1)) } },
      },
      413,
      'PAYLOAD_TOO_LARGE',
      /The upload is 4194305 bytes; at most 4194304/,
    ],
    [
      'a multipart body over the limit',
      {
        template: 'uploadForm',
        context: { user_id: '1', ref1: 'a' },
        files: { a: { content: base64(Buffer.alloc(4 * MB - 10)) } },
      },
      413,
      'PAYLOAD_TOO_LARGE',
      /The upload is \d+ bytes; at most 4194304/,
    ],
    [
      'a ref that names no file',
      { template: 'uploadRaw', context: { file_ref: 'missing' } },
      400,
      'INVALID_REQUEST',
      /schema\.file\.ref names the file "missing", but the invoke has no files/,
    ],
    [
      'a file the template does not name',
      {
        template: 'uploadRaw',
        context: { file_ref: 'a' },
        files: { a: { content: '' }, b: { content: '' } },
      },
      400,
      'INVALID_REQUEST',
      /files has "b", which the template does not name/,
    ],
    [
      'a body next to an upload',
      { template: 'uploadRaw', context: { file_ref: 'a' }, files: { a: { content: '' } }, body: 'x' },
      400,
      'INVALID_REQUEST',
      /builds its body from schema\.file: send the files in files, not a body/,
    ],
    [
      'files for a template without upload',
      { template: 'public', files: { a: { content: '' } } },
      400,
      'INVALID_REQUEST',
      /has no schema\.formData or schema\.file: it takes no files/,
    ],
    [
      'a content type with a line break',
      {
        template: 'uploadRaw',
        context: { file_ref: 'a' },
        files: { a: { content: '', contentType: 'a/b\r\nX: y' } },
      },
      400,
      'INVALID_REQUEST',
      /files\.a\.contentType: not a media type/,
    ],
    [
      'a file name with a control character',
      {
        template: 'uploadForm',
        context: { ref1: 'a' },
        files: { a: { content: '', filename: 'a\u0000.png' } },
      },
      400,
      'INVALID_REQUEST',
      /files\.a\.filename: has a control character/,
    ],
  ];

  it.each(refusals)('refuses %s', async (_what, body, status, code, message) => {
    // Prepare
    const before = upstream().requests.length;
    // Act
    const { http, envelope } = await invoke(installation, body);
    // Assess
    expect(http).toBe(status);
    expect(envelope).toMatchObject({ status, errorSource: 'APP', code, attempts: 0 });
    expect(upstream().requests.length).toBe(before);
    expect(envelope.response).toMatch(message);
  });
});
