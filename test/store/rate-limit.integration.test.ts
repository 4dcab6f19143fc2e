import { dynamoRateLimiter } from '../../lib/store/dynamo-rate-limit';
import { createTestTable, type TestTable } from '../support/dynamo';

let table: TestTable;
beforeAll(async () => {
  table = await createTestTable();
});
afterAll(async () => {
  await table.drop();
});

describe('the invoke rate limit', () => {
  it('admits exactly the limit per minute across containers, and starts again next minute', async () => {
    // Two limiter instances, as two Lambda containers would have, sharing the table.
    const containers = [dynamoRateLimiter(table), dynamoRateLimiter(table)];
    const minute = Math.floor(Date.now() / 60_000) * 60_000 + 1000;
    const results = await Promise.all(
      Array.from({ length: 70 }, (_, index) =>
        containers[index % 2]?.take('in_ratelimitratelimitr', 50, minute),
      ),
    );
    expect(results.filter((result) => result?.allowed === true)).toHaveLength(50);
    const refused = results.find((result) => result?.allowed === false);
    expect(refused).toEqual({ allowed: false, retryAfterMs: 59_000 });
    expect(await containers[0]?.take('in_ratelimitratelimitr', 50, minute + 60_000)).toEqual({
      allowed: true,
    });
    expect(await containers[1]?.take('in_otherotherotherothe', 50, minute)).toEqual({ allowed: true });
  });
});
