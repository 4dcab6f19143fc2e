import * as z from 'zod';
import { ProblemSink, type Where } from '../../../tools/app/problems';
import { parseSalvaging } from '../../../tools/app/zod-problems';

const where: Where = { file: 'config/requests.json', path: '$.t' };

const schema = z.strictObject({
  name: z.string(),
  size: z.int().max(5),
  tags: z.array(z.string()).optional(),
  inner: z.strictObject({ a: z.string(), b: z.boolean() }).optional(),
});
const parts = z.strictObject({
  name: z.string().optional(),
  size: z.int().max(5).optional(),
  tags: z.array(z.string()).optional(),
  inner: z.strictObject({ a: z.string(), b: z.boolean() }).partial().optional(),
});

const salvage = (value: unknown) => {
  const sink = new ProblemSink();
  return { ...parseSalvaging(schema, parts, value, where, {}, 'thing', sink), sink };
};

describe('parseSalvaging', () => {
  it('gives the whole value and no failed field when the schema passes', () => {
    // Act
    const result = salvage({ name: 'x', size: 1 });
    // Assess
    expect(result.value).toEqual({ name: 'x', size: 1 });
    expect(result.valid).toEqual({ name: 'x', size: 1 });
    expect(result.failed('name')).toBe(false);
    expect(result.sink.problems).toEqual([]);
  });

  it('keeps every field that passed, drops those that did not, and reports each issue once', () => {
    // Act
    const result = salvage({ name: 3, size: 2, inner: { a: 'ok', b: 'no' }, extra: 1 });
    // Assess
    expect(result.value).toBeUndefined();
    expect(result.valid).toEqual({ size: 2, inner: { a: 'ok' } });
    expect(result.sink.problems.map((problem) => problem.path)).toEqual([
      '$.t.name',
      '$.t.inner.b',
      '$.t.extra',
    ]);
  });

  it('drops a whole array for one bad element, so that no later index is off', () => {
    // Act
    const result = salvage({ name: 'x', size: 9, tags: ['a', 4, 'c'] });
    // Assess
    expect(result.valid).toEqual({ name: 'x' });
    expect(result.sink.problems.map((problem) => problem.path)).toEqual(['$.t.size', '$.t.tags[1]']);
    expect(result.failed('tags')).toBe(true);
  });

  it('tells a failed field, one inside it and one around it from an unrelated one', () => {
    // Act
    const result = salvage({ name: 'x', size: 1, inner: 'no' });
    // Assess
    expect(result.failed('inner')).toBe(true);
    expect(result.failed('inner', 'a')).toBe(true);
    expect(result.failed('name')).toBe(false);
    expect(salvage({ name: 'x', size: 1, inner: { a: 1 } }).failed('inner')).toBe(true);
  });

  it('salvages nothing from a value of the wrong type', () => {
    // Act
    const result = salvage('not an object');
    // Assess
    expect(result.valid).toBeUndefined();
    expect(result.failed('name')).toBe(true);
    expect(result.sink.problems).toHaveLength(1);
  });
});

describe('ProblemSink', () => {
  it('keeps one copy of a problem reported twice', () => {
    // Prepare
    const sink = new ProblemSink();
    // Act
    sink.error(where, 'host is bad', 'a domain');
    sink.error(where, 'host is bad', 'a domain');
    sink.warning(where, 'host is bad', 'a domain');
    // Assess
    expect(sink.problems.map((problem) => problem.severity)).toEqual(['error', 'warning']);
  });

  it('tells errors at one place apart from errors elsewhere', () => {
    // Prepare
    const sink = new ProblemSink();
    const mark = sink.mark();
    // Act
    sink.error({ ...where, path: '$.t.host' }, 'host is bad', 'a domain');
    // Assess
    expect(sink.errorsSince(mark)).toBe(true);
    expect(sink.errorsSince(mark, { ...where, path: '$.t.host' })).toBe(true);
    expect(sink.errorsSince(mark, { ...where, path: '$.t.path' })).toBe(false);
  });
});
