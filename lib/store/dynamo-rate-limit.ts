import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableRef } from './dynamo';
import { isConditionFailure, translate } from './dynamo-errors';
import { installationPk, rateSk, signInPk, TABLE } from './layout';
import type { RateLimiter } from './ports';

/**
 * A fixed one-minute window per installation, counted with one conditional ADD per invoke in
 * the installation's partition. The condition makes it exact under any concurrency, across
 * every container: a minute admits min(asked, limit), never more, and no container holds a
 * reservation another could have used. The counter goes with TTL (or with the installation).
 */
export function dynamoRateLimiter(table: TableRef): RateLimiter {
  return windowLimiter(table, installationPk);
}

/**
 * The console's sign-in limit (lib/console/sign-in.ts): the same window, counted per client
 * address in a partition of its own (lib/store/layout.ts signInPk) — `take`'s key is the address.
 */
export function dynamoSignInLimiter(table: TableRef): RateLimiter {
  return windowLimiter(table, signInPk);
}

function windowLimiter(table: TableRef, partitionOf: (key: string) => string): RateLimiter {
  const { client, tableName } = table;
  return {
    async take(key, limit, now) {
      const window = Math.floor(now / 60_000);
      const refused = { allowed: false, retryAfterMs: (window + 1) * 60_000 - now } as const;
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: partitionOf(key), sk: rateSk(window) },
            UpdateExpression: 'SET #ttl = :ttl ADD #count :n',
            ConditionExpression: 'attribute_not_exists(#count) OR #count <= :room',
            ExpressionAttributeNames: { '#ttl': TABLE.ttl, '#count': 'count' },
            ExpressionAttributeValues: { ':ttl': (window + 2) * 60, ':n': 1, ':room': limit - 1 },
          }),
        );
        return { allowed: true };
      } catch (error) {
        if (isConditionFailure(error)) return refused;
        return translate(error, 'count the rate limit');
      }
    },
  };
}
