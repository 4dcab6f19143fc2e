import * as v from 'valibot';
import { InvalidInputError } from '../lib/errors';
import { jsonObject, jsonRecord, parseWith } from '../lib/validation';

const body = jsonObject({
  name: v.pipe(v.string(), v.minLength(1)),
  tags: v.optional(jsonRecord(v.string())),
  limits: v.optional(jsonObject({ seconds: v.pipe(v.number(), v.integer(), v.minValue(60)) })),
});

const problemsOf = (input: unknown) => {
  try {
    parseWith(body, input, 'thing');
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return { message: (error as InvalidInputError).message, details: (error as InvalidInputError).details };
  }
  throw new Error('parsed');
};

describe('parseWith', () => {
  it('returns the parsed value when the input fits', () => {
    expect(parseWith(body, { name: 'a', limits: { seconds: 60 } }, 'thing')).toEqual({
      name: 'a',
      limits: { seconds: 60 },
    });
  });

  it('names an unknown field by its own name, nested ones dotted', () => {
    expect(problemsOf({ name: 'a', extra: 1, limits: { seconds: 60, more: true } }).details).toEqual([
      { field: 'limits.more', message: 'unknown field' },
      { field: 'extra', message: 'unknown field' },
    ]);
  });

  it('says what each field got wrong, in the message too', () => {
    const { message, details } = problemsOf({ name: '', limits: { seconds: 5.5 } });
    expect(details).toEqual([
      { field: 'name', message: expect.stringContaining('Expected >=1') },
      { field: 'limits.seconds', message: expect.stringContaining('integer') },
      { field: 'limits.seconds', message: expect.stringContaining('Expected >=60') },
    ]);
    expect(message).toMatch(/^Invalid thing: name: .*; limits\.seconds: /);
  });

  it('says a missing field is required', () => {
    expect(problemsOf({}).details).toEqual([{ field: 'name', message: 'required' }]);
  });

  // valibot's own object and record schemas take an array, its indexes as keys.
  it('refuses an array where an object or a record is expected', () => {
    const array = [{ field: '(body)', message: 'Invalid type: Expected Object but received Array' }];
    expect(problemsOf([]).details).toEqual(array);
    expect(problemsOf([{ name: 'a' }]).details).toEqual(array);
    expect(problemsOf({ name: 'a', tags: ['x'] }).details).toEqual([{ ...array[0], field: 'tags' }]);
    expect(problemsOf({ name: 'a', limits: [] }).details).toEqual([{ ...array[0], field: 'limits' }]);
  });
});
