import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { checkIparams } from '../../lib/app/iparams';
import type { App } from '../../lib/app/model';
import {
  EMPTY_FORM,
  fieldErrors,
  formErrorsOf,
  type IparamsFormState,
  parseInstallationForm,
  parseIparamsForm,
  renderIparamsForm,
} from '../../lib/console/iparams-form';
import { InvalidInputError } from '../../lib/errors';
import { checkEndpointUrls } from '../../lib/installations/installation-values';
import { formatProblemLine, loadApp } from '../../tools/app';
import { appFolders, FDK_APPS, FDK_SAMPLES, filesOf, json } from '../tools/app/helpers';

// ---------------------------------------------------------------------------------------------
// A tiny reader of the rendered HTML: the tags, their attributes, and a browser's form submit.

interface Tag {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  /** Where the tag ends in the document; a textarea's text and a select's options follow it. */
  readonly end: number;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };
const decode = (text: string): string =>
  text.replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) => ENTITIES[name] ?? '');

function tags(document: string, name?: string): Tag[] {
  const found: Tag[] = [];
  for (const match of document.matchAll(/<([a-z]+)((?:\s+[a-z-]+(?:="[^"]*")?)*)\s*>/g)) {
    const attrs: Record<string, string> = {};
    for (const attr of (match[2] ?? '').matchAll(/([a-z-]+)(?:="([^"]*)")?/g))
      attrs[attr[1] ?? ''] = decode(attr[2] ?? '');
    const tag = { name: match[1] ?? '', attrs, end: (match.index ?? 0) + match[0].length };
    if (name === undefined || tag.name === name) found.push(tag);
  }
  return found;
}

/** The controls named `name`: inputs, selects and textareas. */
const controls = (document: string, name: string): Tag[] =>
  tags(document).filter(
    (tag) => ['input', 'select', 'textarea'].includes(tag.name) && tag.attrs.name === name,
  );

const one = (document: string, name: string): Tag => {
  const found = controls(document, name);
  if (found.length !== 1) throw new Error(`${found.length} controls named ${name}`);
  return found[0] as Tag;
};

const textareaText = (document: string, tag: Tag): string =>
  decode(document.slice(tag.end, document.indexOf('</textarea>', tag.end)));

const optionsOf = (document: string, select: Tag): Tag[] =>
  tags(document.slice(select.end, document.indexOf('</select>', select.end)), 'option');

/**
 * What a browser sends for the form as rendered (HTML's "constructing the entry list"), with
 * `typed` standing for what the operator typed into a text control (a password input is empty).
 */
function submit(document: string, typed: Readonly<Record<string, string>> = {}): URLSearchParams {
  const body = new URLSearchParams();
  for (const tag of tags(document)) {
    const name = tag.attrs.name;
    const value = name === undefined ? undefined : entryOf(document, tag, typed[name]);
    if (name !== undefined && value !== undefined) body.append(name, value);
  }
  return body;
}

/** The value a named control sends, or undefined (an unchecked box, a tag that is no control). */
function entryOf(document: string, tag: Tag, typed: string | undefined): string | undefined {
  if (tag.name === 'textarea') return typed ?? textareaText(document, tag);
  if (tag.name === 'select') {
    const options = optionsOf(document, tag);
    return (options.find((option) => 'selected' in option.attrs) ?? options[0])?.attrs.value ?? '';
  }
  if (tag.name !== 'input') return undefined;
  const type = tag.attrs.type ?? 'text';
  if (type === 'checkbox' || type === 'radio')
    return 'checked' in tag.attrs ? (tag.attrs.value ?? 'on') : undefined;
  return typed ?? tag.attrs.value ?? '';
}

// ---------------------------------------------------------------------------------------------
// An app with every FDK type, through the project's loader.

const manifest = (...templates: string[]) => ({
  'platform-version': '3.1',
  modules: { common: { requests: Object.fromEntries(templates.map((name) => [name, {}])) } },
});

function loaded(files: Readonly<Record<string, unknown>>): App {
  const texts = Object.fromEntries(Object.entries(files).map(([name, value]) => [name, json(value)]));
  const { app, problems } = loadApp(filesOf(texts));
  if (app === undefined) throw new Error(problems.map(formatProblemLine).join('\n'));
  return app;
}

const EVERY_TYPE = {
  subject: { display_name: 'Subject', type: 'text', required: true, description: 'A short line' },
  notes: { display_name: 'Notes', type: 'paragraph' },
  region: {
    display_name: 'Region',
    type: 'dropdown',
    options: [
      { label: 'Europe', value: 'eu' },
      { label: 'United States', value: 'us' },
    ],
    default_value: 'eu',
  },
  tier: { display_name: 'Tier', type: 'radio', options: [1, 2, 3], required: true },
  notify: { display_name: 'Notify agents', type: 'checkbox', default_value: true },
  channels: { display_name: 'Channels', type: 'multiselect', options: ['email', 'chat', 'phone'] },
  limit: { display_name: 'Limit', type: 'number' },
  since: { display_name: 'Since', type: 'date' },
  contact: { display_name: 'Contact', type: 'email' },
  phone: { display_name: 'Phone', type: 'phone_number' },
  site: { display_name: 'Site', type: 'url' },
  domain: { display_name: 'Domain', type: 'domain', type_attributes: { product: 'freshdesk' } },
  key: { display_name: 'API key', type: 'api_key', secure: true, required: true },
  token: { display_name: 'Token', type: 'text', secure: true },
  pem: { display_name: 'Client key', type: 'paragraph', secure: true },
};

const app = loaded({
  'manifest.json': manifest('tickets'),
  'config/iparams.json': EVERY_TYPE,
  'config/requests.json': {
    tickets: {
      schema: {
        method: 'GET',
        host: '<%= current_host.endpoint_urls.freshdesk %>',
        path: '/api/v2/tickets',
        headers: { 'X-View': '<%= app_settings.view %>', Authorization: 'Basic <%= iparam.key %>' },
      },
    },
  },
});

const render = (state: IparamsFormState = EMPTY_FORM, hidden: Record<string, string> = {}) =>
  renderIparamsForm(app, state, hidden).value;

/** The posted value of each type, as typed (what parseIparamsForm must give back). */
const POSTED: Record<string, unknown> = {
  subject: 'Weekly report',
  notes: 'line one\nline two',
  region: 'us',
  tier: 2,
  notify: false,
  channels: ['email', 'phone'],
  limit: 12.5,
  since: '2026-11-30',
  contact: 'ops@example.com',
  phone: '+44 20 7946 0000',
  site: 'https://example.com/help',
  domain: 'acme.freshdesk.com',
};
const SECRETS = {
  key: 'sk-live-123',
  token: 'tok-456',
  pem: '-----BEGIN KEY-----\nabc\n-----END KEY-----\n',
};
const typedSecrets = Object.fromEntries(
  Object.entries(SECRETS).map(([name, value]) => [`iparams.${name}`, value]),
);

describe('renderIparamsForm: one control per FDK type', () => {
  const page = render();

  it.each([
    ['subject', 'input', 'text'],
    ['limit', 'input', 'number'],
    ['since', 'input', 'date'],
    ['contact', 'input', 'email'],
    ['phone', 'input', 'tel'],
    ['site', 'input', 'url'],
    ['domain', 'input', 'text'],
    ['key', 'input', 'password'],
    ['token', 'input', 'password'],
    ['notify', 'input', 'checkbox'],
    ['region', 'select', undefined],
    ['notes', 'textarea', undefined],
    ['pem', 'textarea', undefined],
  ])('%s is a %s %s', (name, element, type) => {
    const tag = one(page, `iparams.${name}`);
    expect(tag.name).toBe(element);
    expect(tag.attrs.type).toBe(type);
  });

  it('shows radio and multiselect as a group of choices, with their legend', () => {
    expect(controls(page, 'iparams.tier').map((tag) => [tag.attrs.type, tag.attrs.value])).toEqual([
      ['radio', '1'],
      ['radio', '2'],
      ['radio', '3'],
    ]);
    expect(controls(page, 'iparams.channels').map((tag) => [tag.attrs.type, tag.attrs.value])).toEqual([
      ['checkbox', 'email'],
      ['checkbox', 'chat'],
      ['checkbox', 'phone'],
    ]);
    expect(page).toMatch(/<legend>Tier<span class="req" aria-hidden="true">\*<\/span><\/legend>/);
    expect(page).toMatch(/<legend>Channels<\/legend>/);
  });

  it('follows the app order, labels each field and marks the required ones', () => {
    const names = tags(page)
      .map((tag) => tag.attrs.name ?? '')
      .filter((name) => name.startsWith('iparams.'));
    expect([...new Set(names)]).toEqual(Object.keys(EVERY_TYPE).map((name) => `iparams.${name}`));
    const subject = one(page, 'iparams.subject');
    expect(page).toContain(`<label for="${subject.attrs.id}">Subject<span class="req"`);
    expect('required' in subject.attrs).toBe(true);
    expect('required' in one(page, 'iparams.limit').attrs).toBe(false);
  });

  it('shows the description as the hint the control is described by', () => {
    const subject = one(page, 'iparams.subject');
    const hint = subject.attrs['aria-describedby'];
    expect(page).toContain(`<span class="hint" id="${hint}">A short line</span>`);
  });

  it('shows option labels, stores option values, and starts from each default_value', () => {
    const options = optionsOf(page, one(page, 'iparams.region'));
    expect(options.map((option) => option.attrs.value)).toEqual(['', 'eu', 'us']);
    expect(page).toContain('>Europe</option>');
    expect(page).toContain('>United States</option>');
    expect(options.filter((option) => 'selected' in option.attrs).map((o) => o.attrs.value)).toEqual(['eu']);
    expect('checked' in one(page, 'iparams.notify').attrs).toBe(true);
    expect(one(page, 'iparams.notify').attrs.value).toBe('true');
  });

  it('masks secure fields: password inputs without autocomplete, and says they are never shown again', () => {
    for (const name of ['key', 'token']) {
      const tag = one(page, `iparams.${name}`);
      expect(tag.attrs).toMatchObject({ type: 'password', autocomplete: 'off' });
      expect(tag.attrs.value).toBeUndefined();
    }
    expect(one(page, 'iparams.pem').attrs.autocomplete).toBe('off');
    const hint = one(page, 'iparams.key').attrs['aria-describedby'];
    expect(page).toMatch(new RegExp(`id="${hint}">[^<]*never shown again; after an error, type it again`));
  });

  it('asks for the product host and the app settings the templates read', () => {
    expect(one(page, 'current_host.endpoint_urls.freshdesk').attrs.type).toBe('text');
    expect(one(page, 'app_settings').name).toBe('textarea');
    expect(page).toContain('the app&#39;s templates read view');
  });

  it('carries the hidden fields and posts to its own page', () => {
    const withToken = render(EMPTY_FORM, { csrf: 'tok"en' });
    expect(one(withToken, 'csrf').attrs).toMatchObject({ type: 'hidden', value: 'tok"en' });
    expect(tags(withToken, 'form')[0]?.attrs).toMatchObject({ method: 'post' });
    expect(tags(withToken, 'form')[0]?.attrs.action).toBeUndefined();
    expect(withToken).toContain('<button type="submit">Create installation</button>');
  });

  it('leaves out current_host and app_settings for an app whose templates read neither', () => {
    const plain = loaded({
      'manifest.json': manifest(),
      'config/iparams.json': { a: { display_name: 'A', type: 'text' } },
    });
    const form = renderIparamsForm(plain, EMPTY_FORM).value;
    expect(form).not.toContain('current_host');
    expect(form).not.toContain('app_settings');
  });
});

describe('render → post → parse', () => {
  it('gives back every type typed as createInstallation takes it, which the validator accepts', () => {
    // Prepare: the form as it is shown again holding each value, then sent by a browser.
    const page = render({ values: POSTED, errors: {} });
    // Act
    const body = submit(page, typedSecrets);
    const parsed = parseIparamsForm(app, body);
    // Assess
    expect(parsed).toEqual({ ...POSTED, ...SECRETS });
    expect(checkIparams(app, parsed).problems).toEqual([]);
    expect(fieldErrors(app, parsed)).toEqual({});
  });

  it('gives the defaults back when the operator changes nothing, and leaves empty fields out', () => {
    const parsed = parseIparamsForm(app, submit(render(), { 'iparams.subject': 'x', 'iparams.key': 'k' }));
    expect(parsed).toEqual({ subject: 'x', key: 'k', region: 'eu', notify: true, channels: [] });
  });

  it('reads the whole form: iparams, the product hosts, the app settings', () => {
    const body = submit(
      render({ values: POSTED, endpointUrls: { freshdesk: 'acme.freshdesk.com' }, errors: {} }),
      {
        ...typedSecrets,
        app_settings: '{"view": 7}',
      },
    );
    const form = parseInstallationForm(app, body);
    expect(form.input).toEqual({
      iparams: { ...POSTED, ...SECRETS },
      endpointUrls: { freshdesk: 'acme.freshdesk.com' },
      appSettings: { view: 7 },
    });
    expect(form.state.errors).toEqual({});
    expect(
      one(renderIparamsForm(app, form.state).value, 'current_host.endpoint_urls.freshdesk').attrs.value,
    ).toBe('acme.freshdesk.com');
  });
});

describe('parseIparamsForm: shape only', () => {
  it('ignores unknown names, reads a multiselect from repeated names, an unchecked box as false', () => {
    const body = new URLSearchParams([
      ['iparams.channels', 'chat'],
      ['iparams.channels', 'email'],
      ['iparams.nope', 'x'],
      ['nope', 'y'],
      ['iparams.limit', ' 42 '],
      ['iparams.tier', '3'],
    ]);
    expect(parseIparamsForm(app, body)).toEqual({
      channels: ['chat', 'email'],
      limit: 42,
      tier: 3,
      notify: false,
    });
  });

  it('keeps what does not fit as text, for the validator to refuse by field', () => {
    const body = new URLSearchParams([
      ['iparams.limit', '0x10'],
      ['iparams.tier', '9'],
      ['iparams.notify', 'yes'],
      ['iparams.channels', 'fax'],
    ]);
    const parsed = parseIparamsForm(app, body);
    expect(parsed).toEqual({ limit: '0x10', tier: '9', notify: 'yes', channels: ['fax'] });
    expect(Object.keys(fieldErrors(app, parsed)).sort()).toEqual(
      ['channels', 'key', 'limit', 'notify', 'subject', 'tier'].map((name) => `iparams.${name}`).sort(),
    );
  });

  it('refuses app settings that are not a JSON object without repeating them', () => {
    const body = new URLSearchParams([['app_settings', '{"password": hunter2']]);
    const form = parseInstallationForm(app, body);
    expect(form.input.appSettings).toBeUndefined();
    expect(form.state.errors.app_settings).toBe('app_settings must be a JSON object, e.g. {"region": "eu"}');
    expect(renderIparamsForm(app, form.state).value).not.toContain('hunter2');
    expect(
      parseInstallationForm(app, new URLSearchParams([['app_settings', '[1]']])).state.errors.app_settings,
    ).toBeDefined();
  });
});

describe('errors by field', () => {
  // Prepare: a post that misses the required fields and gives a number that is none.
  const form = parseInstallationForm(
    app,
    new URLSearchParams([
      ['iparams.limit', 'ten'],
      ['iparams.token', 'tok-secret-789'],
      ['iparams.pem', 'PEM-SECRET'],
      ['iparams.contact', 'ops@example.com'],
    ]),
  );
  const errors = fieldErrors(app, form.input.iparams);
  const page = renderIparamsForm(app, { ...form.state, errors }).value;

  it('names each field with what is wrong and what is allowed', () => {
    expect(errors).toEqual({
      'iparams.subject': 'subject is required: a string (text)',
      'iparams.tier': 'tier is required: one of 1, 2, 3',
      'iparams.limit': 'limit must be a number',
      'iparams.key': 'key is required: a string (api_key)',
    });
  });

  it('puts each message next to its control, which is invalid and described by it', () => {
    const limit = one(page, 'iparams.limit');
    expect(limit.attrs['aria-invalid']).toBe('true');
    const errorId = (limit.attrs['aria-describedby'] ?? '').split(' ').find((id) => id.endsWith('-error'));
    expect(page).toContain(`<p class="error" id="${errorId}">limit must be a number</p>`);
    // The message follows its own control, before the next field's.
    expect(page.indexOf('limit must be a number', limit.end)).toBeLessThan(
      page.indexOf('name="iparams.since"'),
    );
    expect(one(page, 'iparams.since').attrs['aria-invalid']).toBeUndefined();
    for (const radio of controls(page, 'iparams.tier')) expect(radio.attrs['aria-invalid']).toBe('true');
  });

  it('sums them up at the top, each a link to its control', () => {
    const summary = page.slice(
      page.indexOf('<div class="alert"'),
      page.indexOf('</div>', page.indexOf('<div class="alert"')),
    );
    expect(summary).toContain('4 fields need correcting');
    const links = [...summary.matchAll(/<a href="#([^"]+)">([^<]*)<\/a>/g)].map((m) => [
      m[1],
      decode(m[2] ?? ''),
    ]);
    expect(links.map(([, text]) => text)).toEqual([
      'Subject: subject is required: a string (text)',
      'Tier: tier is required: one of 1, 2, 3',
      'Limit: limit must be a number',
      'API key: key is required: a string (api_key)',
    ]);
    const ids = new Set(tags(page).map((tag) => tag.attrs.id));
    for (const [id] of links) expect(ids.has(id)).toBe(true);
    expect(page.indexOf('class="alert"')).toBeLessThan(page.indexOf('name="iparams.subject"'));
  });

  it('shows what was typed again, but never a secure value', () => {
    expect(one(page, 'iparams.limit').attrs.value).toBe('ten');
    expect(one(page, 'iparams.contact').attrs.value).toBe('ops@example.com');
    expect(page).not.toContain('tok-secret-789');
    expect(page).not.toContain('PEM-SECRET');
    expect(textareaText(page, one(page, 'iparams.pem'))).toBe('');
  });

  it("places the use case's refusals (iparams and current_host) on their fields", () => {
    const iparams = new InvalidInputError('Invalid iparams', {
      details: checkIparams(app, { subject: 'x', key: 'k', tier: 7 }).problems,
    });
    expect(formErrorsOf(iparams)).toEqual({ 'iparams.tier': 'tier must be one of 1, 2, 3' });
    let hosts: unknown;
    try {
      checkEndpointUrls({ freshdesk: '10.0.0.1' }, () => 'a private address');
    } catch (error) {
      hosts = error;
    }
    const placed = formErrorsOf(hosts) ?? {};
    expect(Object.keys(placed)).toEqual(['current_host.endpoint_urls.freshdesk']);
    const shown = renderIparamsForm(app, { values: {}, errors: placed }).value;
    expect(one(shown, 'current_host.endpoint_urls.freshdesk').attrs['aria-invalid']).toBe('true');
    expect(formErrorsOf(new Error('boom'))).toBeUndefined();
    expect(formErrorsOf(new InvalidInputError('Invalid body'))).toEqual({ '': 'Invalid body' });
  });
});

describe('secure choices', () => {
  const secret = loaded({
    'manifest.json': manifest(),
    'config/iparams.json': {
      plan: {
        display_name: 'Plan',
        type: 'dropdown',
        options: ['free', 'paid'],
        default_value: 'free',
        secure: true,
      },
      pin: { display_name: 'PIN', type: 'number', secure: true },
    },
  });

  it('show their default after an error, never the posted choice, and a secure number stays masked', () => {
    const page = renderIparamsForm(secret, { values: { plan: 'paid', pin: 4321 }, errors: {} }).value;
    const chosen = optionsOf(page, one(page, 'iparams.plan')).filter((option) => 'selected' in option.attrs);
    expect(chosen.map((option) => option.attrs.value)).toEqual(['free']);
    expect(one(page, 'iparams.pin').attrs).toMatchObject({ type: 'password', inputmode: 'decimal' });
    expect(page).not.toContain('4321');
    expect(parseIparamsForm(secret, submit(page, { 'iparams.pin': '4321' }))).toEqual({
      plan: 'free',
      pin: 4321,
    });
  });
});

describe('hostile values', () => {
  const hostile = '"><script>alert(1)</script>';
  const evil = loaded({
    'manifest.json': manifest(),
    'config/iparams.json': {
      a: { display_name: hostile, description: hostile, type: 'text', default_value: hostile },
      b: { display_name: 'B', type: 'dropdown', options: [hostile, { label: hostile, value: 'x' }] },
      c: { display_name: 'C', type: 'radio', options: [hostile] },
      d: { display_name: 'D', type: 'multiselect', options: [hostile], default_value: [hostile] },
      [hostile]: { display_name: 'E', type: 'paragraph', default_value: `</textarea>${hostile}` },
    },
  });

  it('are escaped wherever they appear: labels, hints, values, options, names', () => {
    const page = renderIparamsForm(
      evil,
      { values: {}, errors: { 'iparams.a': hostile } },
      { [hostile]: hostile },
    ).value;
    expect(page).not.toContain('<script');
    expect(page).not.toContain(hostile);
    expect(page.match(/<\/textarea>/g)).toHaveLength(1);
    expect(page).toContain('&quot;&gt;&lt;script&gt;');
    expect(one(page, 'iparams.a').attrs.value).toBe(hostile);
    expect(textareaText(page, one(page, `iparams.${hostile}`))).toBe(`</textarea>${hostile}`);
    expect(parseIparamsForm(evil, submit(page))).toMatchObject({ a: hostile, d: [hostile] });
  });
});

describe('the real FDK apps', () => {
  /** Every config/iparams.json of the copied Freshworks samples, loaded by the project's loader. */
  const files = [FDK_APPS, FDK_SAMPLES].flatMap((root) =>
    appFolders(root)
      .map((folder) => join(root, folder, 'config/iparams.json'))
      .filter((path) => existsSync(path)),
  );

  it('are found', () => {
    expect(files.length).toBeGreaterThanOrEqual(15);
  });

  it.each(files.map((path) => [relative(join(FDK_APPS, '..'), path), path]))('%s renders', (_, path) => {
    // Prepare: the iparams alone (some samples' other files fail for reasons of their own).
    const sample = loaded({
      'manifest.json': manifest(),
      'config/iparams.json': JSON.parse(readFileSync(path, 'utf8')),
    });
    // Act
    const page = renderIparamsForm(sample, EMPTY_FORM).value;
    const parsed = parseIparamsForm(sample, submit(page));
    // Assess
    for (const field of sample.iparams.values()) {
      expect(controls(page, `iparams.${field.name}`).length).toBeGreaterThan(0);
      if (field.secure && field.type === 'text')
        expect(controls(page, `iparams.${field.name}`)[0]?.attrs.type).toBe('password');
    }
    expect(Object.keys(parsed).every((name) => sample.iparams.has(name))).toBe(true);
  });
});
