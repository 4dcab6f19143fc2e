import { fieldsProblem, formProblem, jsonProblem, MAX_JSON_DEPTH } from '../../lib/http/input-rules';

const LONE_HIGH = '\ud800';
const LONE_LOW = '\udc00';
const PAIR = '\ud83d\ude00'; // 😀

/** `depth` arrays, each holding the next; the innermost holds `inner`. */
function nestedArrays(depth: number, inner: unknown = 1): unknown {
  let value: unknown = inner;
  for (let level = 0; level < depth; level++) value = [value];
  return value;
}

function nestedObjects(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let level = 0; level < depth; level++) value = { a: value };
  return value;
}

describe('jsonProblem', () => {
  it.each<[string, unknown]>([
    ['plain values', { template: 'x', context: { id: 42, ok: true, none: null, list: ['a', 1.5] } }],
    ['a valid surrogate pair', { context: { name: `smile ${PAIR}` } }],
    ['a pair as a key', { [PAIR]: PAIR }],
    ['a scalar body', 'text'],
    [`exactly ${MAX_JSON_DEPTH} nested arrays`, nestedArrays(MAX_JSON_DEPTH)],
    [`exactly ${MAX_JSON_DEPTH} nested objects`, nestedObjects(MAX_JSON_DEPTH)],
  ])('accepts %s', (_, value) => {
    // Act / Assess
    expect(jsonProblem(value)).toBeUndefined();
  });

  it.each<[string, unknown, string]>([
    ['a lone high surrogate', { context: { name: `a${LONE_HIGH}b` } }, 'context.name contains'],
    ['a lone low surrogate', { context: { name: LONE_LOW } }, 'context.name contains'],
    ['a pair in the wrong order', { context: { name: `${LONE_LOW}${LONE_HIGH}` } }, 'context.name contains'],
    ['one in an array', { body: ['ok', ['ok', LONE_HIGH]] }, 'body[1][1] contains'],
    ['one in a key', { context: { [`k${LONE_HIGH}`]: 'v' } }, 'A key in context contains'],
    ['one in a top-level key', { [LONE_LOW]: 1 }, 'A top-level key contains'],
    ['a key that is not an identifier', { iparams: { 'a b': LONE_HIGH } }, 'iparams["a b"] contains'],
    ['a lone surrogate as the body', LONE_HIGH, 'Request body contains'],
  ])('refuses %s, naming where', (_, value, where) => {
    // Act
    const problem = jsonProblem(value);
    // Assess: where, what, and what to send instead; never the value itself
    expect(problem).toContain(where);
    expect(problem).toContain('ill-formed Unicode (a lone surrogate); send well-formed UTF-16/UTF-8');
    expect(problem?.isWellFormed()).toBe(true);
  });

  it.each<[string, unknown]>([
    [`${MAX_JSON_DEPTH + 1} nested arrays`, nestedArrays(MAX_JSON_DEPTH + 1)],
    [`${MAX_JSON_DEPTH + 1} nested objects`, nestedObjects(MAX_JSON_DEPTH + 1)],
    ['100,000 nested arrays', nestedArrays(100_000)],
    ['a deep branch next to shallow ones', { a: 1, b: { c: nestedArrays(MAX_JSON_DEPTH) } }],
  ])('refuses %s with the limit in the message', (_, value) => {
    // Act / Assess
    expect(jsonProblem(value)).toMatch(`deeper than ${MAX_JSON_DEPTH} levels`);
  });

  it('names where a too-deep value starts, shortened', () => {
    // Prepare
    const value = { body: nestedArrays(MAX_JSON_DEPTH) };
    // Act
    const problem = jsonProblem(value) ?? '';
    // Assess
    expect(problem).toContain('(at body[0][0]');
    expect(problem).toContain('…');
  });

  it('quotes a long key clipped without splitting a surrogate pair', () => {
    // Prepare: the 30-character cut falls between the halves of a pair
    const key = `${'k'.repeat(29)}${PAIR}${'k'.repeat(20)} x`;
    // Act
    const problem = jsonProblem({ [key]: LONE_HIGH }) ?? '';
    // Assess
    expect(problem.isWellFormed()).toBe(true);
    expect(problem).toContain(`["${'k'.repeat(29)}…"]`);
  });
});

describe('fieldsProblem', () => {
  it.each<[Record<string, string>, string | undefined]>([
    [{ 'x-name': `ok ${PAIR}` }, undefined],
    [{ 'x-name': `bad ${LONE_HIGH}` }, 'Header x-name contains ill-formed Unicode'],
    [{ [`x-${LONE_LOW}`]: 'v' }, 'A header name contains ill-formed Unicode'],
  ])('checks names and values: %j', (fields, expected) => {
    // Act
    const problem = fieldsProblem(fields, 'Header');
    // Assess
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toContain(expected);
  });
});

describe('formProblem', () => {
  it.each([
    ['org_domain=acme.example.com&note=', undefined],
    ['note=%C3%BCn%C3%AF+%F0%9F%98%80', undefined],
    ['note=100%&x=%zz', undefined], // stray % signs stay as they are, as the form decoder keeps them
    ['', undefined],
    [`note=${LONE_HIGH}`, 'Form field note contains ill-formed Unicode (a lone surrogate)'],
    ['note=%ED%A0%80', 'Form field note contains ill-formed Unicode (bytes that are not UTF-8)'],
    ['the+note=%FF', 'Form field the note contains ill-formed Unicode (bytes that are not UTF-8)'],
    ['ok=1&%C3=1', 'A form field name contains ill-formed Unicode (bytes that are not UTF-8)'],
  ])('%j → %s', (raw, expected) => {
    // Act
    const problem = formProblem(raw);
    // Assess
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toContain(expected);
  });
});
