/** FDK's schema.formData and schema.file in config/requests.json: the model they give, the problems they can have. */
import { fromBundled, toBundled } from '../../../lib/app/bundled';
import { printTemplate } from '../../../lib/app/template';
import { formatProblemLine, loadApp } from '../../../tools/app';
import { filesOf, json } from './helpers';

const appWith = (schema: Record<string, unknown>, iparams: Record<string, unknown> = {}) =>
  loadApp(
    filesOf({
      'manifest.json': json({ 'platform-version': '3.1', modules: { common: { requests: { upload: {} } } } }),
      'config/iparams.json': json({
        folder: { display_name: 'Folder', type: 'text', required: false },
        secret: { display_name: 'Secret', type: 'text', required: false, secure: true },
        ...iparams,
      }),
      'config/requests.json': json({
        upload: { schema: { method: 'POST', host: 'api.example.com', path: '/upload', ...schema } },
      }),
    }),
  );

const lines = (schema: Record<string, unknown>) => appWith(schema).problems.map(formatProblemLine);

describe('schema.formData', () => {
  it('becomes fields and files in the template order, each a parsed template', () => {
    // Act
    const { app, problems } = appWith({
      headers: { 'Content-Type': 'multipart/form-data' },
      formData: {
        fields: { userId: '<%= context.user_id %>', folder: '<%= iparam.folder %>' },
        files: { image1: { ref: '<%= context.ref1 %>' }, image2: { ref: 'fixed' } },
      },
    });
    // Assess
    expect(problems).toEqual([]);
    const upload = app?.templates.get('upload')?.upload;
    expect(upload?.kind).toBe('formData');
    if (upload?.kind !== 'formData') throw new Error('no formData');
    expect(upload.fields.map((part) => [part.name, printTemplate(part.value)])).toEqual([
      ['userId', '<%= context.user_id %>'],
      ['folder', '<%= iparam.folder %>'],
    ]);
    expect(upload.files.map((part) => [part.name, printTemplate(part.value)])).toEqual([
      ['image1', '<%= context.ref1 %>'],
      ['image2', 'fixed'],
    ]);
  });

  it('survives the bundled form the functions read', () => {
    // Prepare
    const { app } = appWith({ formData: { fields: { a: 'x' }, files: { f: { ref: '<%= context.f %>' } } } });
    if (app === undefined) throw new Error('invalid');
    // Act
    const again = fromBundled(JSON.parse(JSON.stringify(toBundled(app))));
    // Assess
    expect(again.templates.get('upload')?.upload).toEqual(app.templates.get('upload')?.upload);
    expect(again.templates.get('upload')?.upload).toBeDefined();
  });

  it.each([
    [{ formData: 'a=b' }, /\$\.upload\.schema\.formData: formData is "a=b" — allowed: an object with fields/],
    [
      { formData: { fields: { a: 1 } } },
      /\$\.upload\.schema\.formData\.fields\.a: a is 1 — allowed: a string/,
    ],
    [
      { formData: { files: { f: 'ref' } } },
      /schema\.formData\.files\.f: f is "ref" — allowed: an object \{ "ref"/,
    ],
    [
      { formData: { files: { f: { ref: 'r', name: 'x' } } } },
      /files\.f\.name: unknown key "name" — allowed: ref/,
    ],
    [{ formData: { parts: {} } }, /schema\.formData\.parts: unknown key "parts" — allowed: fields, files/],
    [{ formData: {} }, /schema\.formData: formData has no fields and no files/],
    [{ formData: { fields: { '<%= context.n %>': 'x' } } }, /form field name .* is not a fixed name/],
    [
      { formData: { fields: { a: 'x' }, files: { a: { ref: 'r' } } } },
      /files\.a: form part a is both a field and a file/,
    ],
    [{ formData: { fields: { a: '<%= oops' } } }, /fields\.a: form field a "<%= oops" cannot be parsed/],
    [
      { method: 'GET', formData: { fields: { a: 'x' } } },
      /schema\.formData: schema\.formData on a GET request/,
    ],
  ])('refuses %j with one clear problem', (schema, problem) => {
    // Act
    const found = lines(schema);
    // Assess
    expect(found).toEqual([expect.stringMatching(problem)]);
    expect(found[0]).toMatch(/^error config\/requests\.json /);
  });

  it('keeps secure iparams and the access token out of the body', () => {
    // Act
    const found = lines({
      formData: { fields: { key: '<%= iparam.secret %>' }, files: { f: { ref: '<%= access_token %>' } } },
    });
    // Assess
    expect(found).toEqual([
      expect.stringMatching(/fields\.key: form field key uses secure iparam\.secret outside headers/),
      expect.stringMatching(/files\.f\.ref: form file f uses access_token outside headers/),
    ]);
  });
});

describe('schema.file', () => {
  it('becomes a file upload with its ref template', () => {
    // Act
    const { app, problems } = appWith({
      method: 'PUT',
      headers: { 'Content-Type': 'application/octet-stream' },
      file: { ref: '<%= context.file_ref %>' },
    });
    // Assess
    expect(problems).toEqual([]);
    const upload = app?.templates.get('upload')?.upload;
    expect(upload?.kind === 'file' && printTemplate(upload.ref)).toBe('<%= context.file_ref %>');
  });

  it.each([
    [{ file: 'data' }, /schema\.file: file is "data" — allowed: an object \{ "ref"/],
    [{ file: {} }, /schema\.file\.ref: ref is missing — allowed: a string/],
    [{ file: { ref: 'a', type: 'b' } }, /schema\.file\.type: unknown key "type" — allowed: ref/],
    [
      { file: { ref: 'a' }, formData: { fields: { a: 'b' } } },
      /schema\.file: schema has both formData and file/,
    ],
    [{ method: 'GET', file: { ref: 'a' } }, /schema\.file: schema\.file on a GET request/],
    [{ file: { ref: '<%= iparam.secret %>' } }, /file ref uses secure iparam\.secret outside headers/],
  ])('refuses %j with one clear problem', (schema, problem) => {
    expect(lines(schema)).toEqual([expect.stringMatching(problem)]);
  });

  it('leaves a template without either key as it was', () => {
    const { app } = appWith({});
    expect(app?.templates.get('upload')).not.toHaveProperty('upload');
  });
});
