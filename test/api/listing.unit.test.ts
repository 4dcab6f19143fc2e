import { eventsQuery, installationsQuery } from '../../lib/api/listing';
import { InvalidInputError } from '../../lib/errors';
import type { HttpRequest } from '../../lib/http/request';

const withQuery = (query: Record<string, string>) => ({ query }) as unknown as HttpRequest;

describe('the listing queries', () => {
  it('defaults to 25 rows and no filter; an empty cursor is no cursor', () => {
    expect(installationsQuery(withQuery({ cursor: '' }))).toEqual({
      status: undefined,
      integration: undefined,
      limit: 25,
      cursor: undefined,
    });
    expect(eventsQuery(withQuery({ state: 'dead', limit: '100', cursor: 'c' }))).toEqual({
      state: 'dead',
      limit: 100,
      cursor: 'c',
    });
  });

  it.each(['0', '101', '-1', '1.5', 'ten', '', '0010', '1e2', ' 5'])(
    'refuses limit=%j, naming the range',
    (limit) => {
      expect(() => installationsQuery(withQuery({ limit }))).toThrow(
        new InvalidInputError('limit must be a whole number from 1 to 100 (default 25)'),
      );
    },
  );

  it('accepts 1 and 100, and refuses a status or state that is not one of the values, naming them', () => {
    expect(installationsQuery(withQuery({ limit: '1' })).limit).toBe(1);
    expect(() => installationsQuery(withQuery({ status: 'failing,authorized' }))).toThrow(
      'status must be one of authorized, failing, reauthorization_required',
    );
    expect(() => eventsQuery(withQuery({ state: 'retry' }))).toThrow(
      'state must be one of pending, delivered, dead',
    );
  });
});
