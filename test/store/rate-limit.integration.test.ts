import { reservingRateLimiter } from '../../lib/invoke/rate-limit';
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

  it('reserves a few invokes at a time per container, never more than the limit in all', async () => {
    let writes = 0;
    const shared = dynamoRateLimiter(table);
    const counting = {
      take: (...args: Parameters<typeof shared.take>) => {
        writes += 1;
        return shared.take(...args);
      },
    };
    const containers = [reservingRateLimiter(counting), reservingRateLimiter(counting)];
    const minute = Math.floor(Date.now() / 60_000) * 60_000 + 2000;
    let allowed = 0;
    for (let index = 0; index < 80; index++) {
      const result = await containers[index % 2]?.take('in_reservereservereserv', 50, minute);
      if (result?.allowed) allowed += 1;
    }
    // Never over the limit; at most one container's partial chunk (4) wasted per container.
    expect(allowed).toBeLessThanOrEqual(50);
    expect(allowed).toBeGreaterThanOrEqual(50 - 2 * 4);
    // Most allowed invokes did not write.
    expect(writes).toBeLessThan(allowed / 2 + 10);
  });
});
