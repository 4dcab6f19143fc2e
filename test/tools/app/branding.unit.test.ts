/** handshake.json's `branding`: the logo file (where it is, what it is) and the accent colour. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { appModelBundleJson, appModelJson, formatProblemLine, loadApp, readAppDir } from '../../../tools/app';
import { MAX_LOGO_BYTES } from '../../../tools/app/load/branding';
import { svgProblems } from '../../../tools/app/load/svg';
import { json } from './helpers';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const MANIFEST = { 'platform-version': '3.1', modules: { common: {} } };
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><rect width="8" height="8"/></svg>';
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

/** An app folder with this branding and these extra files (a string or bytes each). */
function brandedApp(branding: unknown, files: Readonly<Record<string, string | Uint8Array>> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'handshake-branding-'));
  roots.push(root);
  const all = {
    'manifest.json': json(MANIFEST),
    'handshake.json': json({ name: 'Desk', branding }),
    ...files,
  };
  for (const [name, content] of Object.entries(all)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), content);
  }
  return root;
}

const errors = (root: string): string[] =>
  loadApp(readAppDir(root))
    .problems.filter((problem) => problem.severity === 'error')
    .map(formatProblemLine);

describe('a valid branding', () => {
  it.each([
    ['an SVG', 'assets/logo.svg', SVG, 'image/svg+xml'],
    [
      'an SVG with a declaration, a comment and a BOM',
      'logo.svg',
      `\uFEFF<?xml version="1.0"?>\n<!-- x -->\n${SVG}`,
      'image/svg+xml',
    ],
    ['a PNG', 'assets/logo.png', PNG, 'image/png'],
    ['a JPEG', 'logo.jpg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]), 'image/jpeg'],
    ['a WebP', 'logo.webp', Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'), 'image/webp'],
    ['a PNG named .svg (the content decides)', 'logo.svg', PNG, 'image/png'],
  ])('carries %s as a data: URL of its media type', (_name, path, content, mediaType) => {
    // Prepare
    const root = brandedApp({ logo: path, accent_color: '#0A7C5A' }, { [path]: content });
    // Act
    const { app, problems } = loadApp(readAppDir(root));
    // Assess
    expect(problems.filter((problem) => problem.severity === 'error')).toEqual([]);
    expect(app?.branding).toEqual({
      logo: `data:${mediaType};base64,${Buffer.from(content).toString('base64')}`,
      accentColor: '#0a7c5a',
    });
  });

  it('is optional, and each of its parts too', () => {
    expect(loadApp(readAppDir(brandedApp(undefined))).app?.branding).toEqual({});
    expect(loadApp(readAppDir(brandedApp({ accent_color: '#123456' }))).app?.branding).toEqual({
      accentColor: '#123456',
    });
  });

  it('stays in the model file and out of the model every bundle carries', () => {
    // Prepare
    const app = loadApp(
      readAppDir(brandedApp({ logo: 'l.svg', accent_color: '#123456' }, { 'l.svg': SVG })),
    ).app;
    if (app === undefined) throw new Error('the app should be valid');
    // Act
    const whole = appModelJson(app);
    const bundled = appModelBundleJson(app);
    // Assess
    expect(whole).toContain('"accentColor":"#123456"');
    expect(whole).toContain('data:image/svg+xml;base64,');
    expect(bundled).not.toContain('#123456');
    expect(bundled).not.toContain('data:image');
  });
});

describe('a logo that cannot be', () => {
  const allowed =
    'allowed: the path of a PNG, JPEG, WebP or SVG file inside the app folder, of at most 12 KiB (shown at 48 px), e.g. assets/logo.svg';
  it.each([
    ['/etc/logo.png', 'is an absolute path'],
    ['C:/logo.png', 'is an absolute path'],
    ['../logo.png', 'leads out of the app folder (..)'],
    ['assets/../../logo.png', 'leads out of the app folder (..)'],
    ['assets\\logo.png', 'uses \\ (separate folders with /)'],
    ['./logo.png', 'has an empty or . segment (write it as assets/logo.svg)'],
    ['assets//logo.png', 'has an empty or . segment (write it as assets/logo.svg)'],
    ['assets/none.png', 'is not a file in the app folder'],
    ['assets', 'is not a file in the app folder'],
  ])('%s: says it %s', (path, what) => {
    const root = brandedApp({ logo: path }, { 'assets/other.png': PNG });
    expect(errors(root)).toEqual([
      `error handshake.json $.branding.logo: logo ${JSON.stringify(path)} ${what} — ${allowed}`,
    ]);
  });

  it('is refused when a symbolic link leads out of the app folder, and allowed when it stays inside', () => {
    // Prepare
    const outside = brandedApp(undefined, { 'secret.png': PNG });
    const root = brandedApp({ logo: 'assets/logo.png' }, { 'real.png': PNG });
    mkdirSync(join(root, 'assets'));
    symlinkSync(join(outside, 'secret.png'), join(root, 'assets', 'logo.png'));
    const inside = brandedApp({ logo: 'assets/logo.png' }, { 'real.png': PNG });
    mkdirSync(join(inside, 'assets'));
    symlinkSync(join(inside, 'real.png'), join(inside, 'assets', 'logo.png'));
    // Act, assess
    expect(errors(root)).toEqual([
      `error handshake.json $.branding.logo: logo "assets/logo.png" is a symbolic link that leads out of the app folder — ${allowed}`,
    ]);
    expect(errors(inside)).toEqual([]);
  });

  it(`is larger than ${MAX_LOGO_BYTES} bytes`, () => {
    const big = Buffer.concat([PNG, Buffer.alloc(MAX_LOGO_BYTES + 1 - PNG.length)]);
    const fits = Buffer.concat([PNG, Buffer.alloc(MAX_LOGO_BYTES - PNG.length)]);
    expect(errors(brandedApp({ logo: 'big.png' }, { 'big.png': big }))).toEqual([
      `error handshake.json $.branding.logo: logo "big.png" is larger than 12 KiB — ${allowed}`,
    ]);
    expect(errors(brandedApp({ logo: 'fits.png' }, { 'fits.png': fits }))).toEqual([]);
  });

  it('is an unsafe SVG: every reason, each once, says what an SVG may be', () => {
    // Prepare
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" onload="x()"><script>x()</script><script/><a xlink:href="https://evil.example/"><rect/></a><foreignObject/></svg>';
    // Act
    const found = errors(brandedApp({ logo: 'logo.svg' }, { 'logo.svg': svg }));
    // Assess
    const svgAllowed =
      'allowed: an SVG with an <svg xmlns="http://www.w3.org/2000/svg"> root and no DOCTYPE, <script>, on… attributes, <foreignObject>, or links and url()s outside itself';
    expect(found).toEqual(
      [
        'has an event handler attribute (onload on <svg>)',
        'contains a <script> element',
        'links outside itself (xlink:href="https://evil.example/" on <a>)',
        'contains a <foreignObject> element',
      ].map((what) => `error handshake.json $.branding.logo: logo "logo.svg" ${what} — ${svgAllowed}`),
    );
  });
});

describe('the rest of handshake.json', () => {
  it('names a bad colour and an unknown key, and still checks the logo beside them', () => {
    const root = brandedApp({ logo: 'none.svg', accent_color: 'blue', color: '#fff' });
    expect(errors(root)).toEqual([
      'error handshake.json $.branding.accent_color: accent_color "blue" is not valid — allowed: a colour of six hex digits, e.g. "#0a7c5a"',
      'error handshake.json $.branding.color: unknown key "color" — allowed: logo, accent_color',
      'error handshake.json $.branding.logo: logo "none.svg" is not a file in the app folder — allowed: the path of a PNG, JPEG, WebP or SVG file inside the app folder, of at most 12 KiB (shown at 48 px), e.g. assets/logo.svg',
    ]);
  });

  it.each(['#fff', '#12345g', '123456', '#1234567'])('refuses the colour %s', (color) => {
    expect(errors(brandedApp({ accent_color: color }))).toHaveLength(1);
  });
});

describe('svgProblems', () => {
  it('accepts a plain logo with gradients and fragment references', () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
<defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs>
<style>rect { fill: url(#g) }</style>
<rect fill="url('#g')" width="8" height="8"/><use xlink:href="#g"/><text>A &amp; B &#169;</text><![CDATA[ x ]]>
</svg>`;
    expect(svgProblems(svg)).toEqual([]);
  });

  it.each([
    ['<svg xmlns="http://www.w3.org/2000/svg"><g></svg>', 'is not well-formed XML: </svg> closes <g>'],
    ['<svg xmlns="http://www.w3.org/2000/svg"><g>', 'is not well-formed XML: <g> is never closed'],
    [
      '<svg xmlns="http://www.w3.org/2000/svg" a=1/>',
      'is not well-formed XML: attribute a of <svg> is not quoted',
    ],
    [
      '<svg xmlns="http://www.w3.org/2000/svg" a="1" a="2"/>',
      'is not well-formed XML: <svg> has attribute a twice',
    ],
    [
      '<svg xmlns="http://www.w3.org/2000/svg">&nbsp;</svg>',
      'has an & in its text that is not an entity reference such as &amp;',
    ],
    [
      '<svg xmlns="http://www.w3.org/2000/svg"/><svg/>',
      'is not well-formed XML: text or a second element outside the root',
    ],
    [
      '<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg"/>',
      'has a DOCTYPE or other declaration (entities are not allowed)',
    ],
    ['<svg xmlns="http://www.w3.org/2000/svg"><?php x ?></svg>', 'has a processing instruction (<?…?>)'],
    ['<html xmlns="http://www.w3.org/2000/svg"/>', 'has the root element <html>, not <svg>'],
    [
      '<svg viewBox="0 0 1 1"/>',
      'has no xmlns="http://www.w3.org/2000/svg" on its <svg> root (without it a browser shows nothing)',
    ],
    ['<svg xmlns="http://www.w3.org/2000/svg"><SCRIPT/></svg>', 'contains a <script> element'],
    [
      '<svg xmlns="http://www.w3.org/2000/svg"><svg:script xmlns:svg="x"/></svg>',
      'contains a <script> element',
    ],
    [
      '<svg xmlns="http://www.w3.org/2000/svg"><rect OnClick="x"/></svg>',
      'has an event handler attribute (OnClick on <rect>)',
    ],
    [
      '<svg xmlns="http://www.w3.org/2000/svg"><image href="data:image/png;base64,AA"/></svg>',
      'links outside itself (href="data:image/png;base64,AA" on <image>)',
    ],
    [
      '<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(https://x/y)"/></svg>',
      'refers to something outside itself (fill on <rect>)',
    ],
    [
      '<svg xmlns="http://www.w3.org/2000/svg"><rect style="@import \'x\'"/></svg>',
      'refers to something outside itself (style on <rect>)',
    ],
    [
      '<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(x.css);</style></svg>',
      'refers to something outside itself (url() or @import in a <style>)',
    ],
    [
      '<svg xmlns="http://www.w3.org/2000/svg"><a><set attributeName="href" to="javascript:alert(1)"/></a></svg>',
      'has a javascript: URL (to on <set>)',
    ],
    [
      '<svg xmlns="http://www.w3.org/2000/svg"><iframe xmlns="http://www.w3.org/1999/xhtml"/></svg>',
      'declares the HTML namespace (xmlns on <iframe>)',
    ],
    ['', 'has no root element'],
  ])('%s: %s', (svg, problem) => {
    expect(svgProblems(svg)).toEqual([problem]);
  });
});
