/**
 * The app as the functions get it: in a bundle, the model the build inlined; run without a
 * bundle, the model file HANDSHAKE_APP_MODEL names (written by tools/app) — never the folder.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getApp, resetAppForTests } from '../../lib/app';
import { getBranding, resetBrandingForTests } from '../../lib/app/branding';
import { bundledFromJson, bundledToJson, fromBundled, toBundled } from '../../lib/app/bundled';
import type { Template } from '../../lib/app/template/ast';
import { parseTemplate } from '../../lib/app/template/parse';
import { ConfigError, resetConfigForTests } from '../../lib/config';
import { loadApp, readAppDir, writeAppModel } from '../../tools/app';
import { filesOf, json, SAMPLE_APP } from '../tools/app/helpers';

const sample = () => {
  const { app, problems } = loadApp(readAppDir(SAMPLE_APP));
  if (app === undefined) throw new Error(problems.map((p) => p.message).join('\n'));
  return app;
};

describe('the bundled form', () => {
  it('survives JSON and rebuilds the same model, Maps and Sets included', () => {
    // Prepare
    const app = sample();
    // Act
    const rebuilt = fromBundled(JSON.parse(JSON.stringify(toBundled(app))));
    // Assess
    expect(rebuilt).toEqual(app);
    expect(rebuilt.templates.get('searchHubspotContacts')?.headers).toBeInstanceOf(Map);
    expect(rebuilt.undeclaredTemplates).toBeInstanceOf(Set);
  });

  it('travels in the bundle without template sources and offsets, and prints each source back', () => {
    // Prepare
    const app = sample();
    const plain = JSON.stringify(toBundled(app));
    // Act
    const text = bundledToJson(toBundled(app));
    const rebuilt = fromBundled(bundledFromJson(text));
    // Assess: smaller, and no source or offset in it
    expect(text.length).toBeLessThan(plain.length * 0.85);
    expect(text).not.toMatch(/"source"|"offset"/);
    // Every template has its segments as validated (offsets aside) and a source that parses to them.
    const withoutOffsets = (template: Template) =>
      template.segments.map((segment) =>
        segment.kind === 'expr' ? { kind: 'expr', expr: segment.expr } : segment,
      );
    const before = [...app.templates.values()];
    const after = [...rebuilt.templates.values()];
    expect(after.map((t) => t.name)).toEqual(before.map((t) => t.name));
    before.forEach((template, index) => {
      const again = after[index];
      if (again === undefined) throw new Error('template lost');
      for (const field of ['host', 'path'] as const) {
        expect(withoutOffsets(again[field])).toEqual(withoutOffsets(template[field]));
        expect(withoutOffsets(parseTemplate(again[field].source))).toEqual(withoutOffsets(template[field]));
      }
      expect([...again.headers.keys()]).toEqual([...template.headers.keys()]);
    });
    const [name, integration] = [...rebuilt.integrations][0] ?? [];
    expect(integration?.authorizeUrl.source).toBe(
      app.integrations.get(name ?? '')?.authorizeUrl.source.replace(/<%=\s*(.*?)\s*%>/g, '<%= $1 %>'),
    );
  });
});

describe('getApp', () => {
  const globals = globalThis as { __HANDSHAKE_APP__?: unknown };
  const before = { model: process.env.HANDSHAKE_APP_MODEL, dir: process.env.APP_DIR };
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'handshake-app-model-'));
    delete process.env.HANDSHAKE_APP_MODEL;
  });

  afterEach(() => {
    delete globals.__HANDSHAKE_APP__;
    for (const [name, value] of [
      ['HANDSHAKE_APP_MODEL', before.model],
      ['APP_DIR', before.dir],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    resetConfigForTests();
    resetAppForTests();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the model file HANDSHAKE_APP_MODEL names when nothing is bundled, once', () => {
    // Prepare
    process.env.HANDSHAKE_APP_MODEL = join(dir, 'model.json');
    writeAppModel(SAMPLE_APP, process.env.HANDSHAKE_APP_MODEL);
    resetConfigForTests();
    // Act
    const first = getApp();
    // Assess
    expect(first).toEqual(sample());
    expect(getApp()).toBe(first);
  });

  it('prefers the model the bundler inlined, without reading a file', () => {
    // Prepare
    const { app } = loadApp(
      filesOf({ 'manifest.json': json({ 'platform-version': '3.1' }) }, '/bundled/inline-app'),
    );
    if (app === undefined) throw new Error('the inline app is valid');
    globals.__HANDSHAKE_APP__ = JSON.stringify(toBundled(app));
    process.env.HANDSHAKE_APP_MODEL = join(dir, 'absent.json');
    resetConfigForTests();
    // Act
    const bundled = getApp();
    // Assess
    expect(bundled.name).toBe('Inline App');
    expect(bundled).toEqual(app);
  });

  it('says what to set when there is neither a bundle nor a model file, even with APP_DIR set', () => {
    // Prepare
    process.env.APP_DIR = SAMPLE_APP;
    resetConfigForTests();
    // Act
    const act = () => getApp();
    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(
      /^Configuration: HANDSHAKE_APP_MODEL is not set: .*tools\/app\/model-file\.ts.*APP_DIR/,
    );
  });

  it('names a model file it cannot read or that holds no app model', () => {
    // Prepare
    const missing = join(dir, 'missing.json');
    const other = join(dir, 'other.json');
    writeFileSync(other, '{"not":"a model"}');
    // Act
    const read = (file: string) => () => {
      process.env.HANDSHAKE_APP_MODEL = file;
      resetConfigForTests();
      resetAppForTests();
      return getApp();
    };
    // Assess
    expect(read(missing)).toThrow(`HANDSHAKE_APP_MODEL names ${missing}, which is not a readable JSON file`);
    expect(read(other)).toThrow(`HANDSHAKE_APP_MODEL names ${other}, which does not hold an app model`);
  });
});

describe('getBranding', () => {
  const globals = globalThis as { __HANDSHAKE_BRANDING__?: unknown };
  const before = process.env.HANDSHAKE_APP_MODEL;
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'handshake-branding-'));
  });

  afterEach(() => {
    delete globals.__HANDSHAKE_BRANDING__;
    if (before === undefined) delete process.env.HANDSHAKE_APP_MODEL;
    else process.env.HANDSHAKE_APP_MODEL = before;
    resetConfigForTests();
    resetAppForTests();
    resetBrandingForTests();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reads the model file's branding when nothing is bundled", () => {
    // Prepare: an app folder with an accent colour.
    const app = join(dir, 'branded-app');
    mkdirSync(app);
    writeFileSync(join(app, 'manifest.json'), json({ 'platform-version': '3.1' }));
    writeFileSync(join(app, 'handshake.json'), json({ branding: { accent_color: '#123456' } }));
    process.env.HANDSHAKE_APP_MODEL = join(dir, 'model.json');
    writeAppModel(app, process.env.HANDSHAKE_APP_MODEL);
    resetConfigForTests();
    // Act, assess
    expect(getBranding()).toEqual({ accentColor: '#123456' });
  });

  it('prefers the branding the bundler inlined apart from the model', () => {
    // Prepare
    globals.__HANDSHAKE_BRANDING__ = JSON.stringify({
      logo: 'data:image/png;base64,AA',
      accentColor: '#abcdef',
    });
    process.env.HANDSHAKE_APP_MODEL = join(dir, 'absent.json');
    resetConfigForTests();
    // Act
    const branding = getBranding();
    // Assess: read without the model file.
    expect(branding).toEqual({ logo: 'data:image/png;base64,AA', accentColor: '#abcdef' });
    expect(getBranding()).toBe(branding);
  });
});
