import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { accountFromItem } from './account-item';
import type { TableRef } from './dynamo';
import { translate } from './dynamo-errors';
import { type InstallationItem, installationFromItem } from './dynamo-installations';
import { accountSk, INSTALLATION_SK, installationPk, TABLE } from './layout';
import type { SnapshotReader } from './ports';

/** BatchGetItem may leave keys unprocessed under load; they are asked for again, a bounded number of times. */
const MAX_UNPROCESSED_RETRIES = 5;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One strongly consistent BatchGetItem of the installation item and the account item (both in
 * the installation's partition). Nothing is cached: the answer is the table as it is now.
 */
export function dynamoSnapshotReader(table: TableRef): SnapshotReader {
  const { client, tableName } = table;
  return {
    async read(installationId, account) {
      const pk = installationPk(installationId);
      const installationSk = INSTALLATION_SK;
      let keys: Record<string, unknown>[] = [{ pk, sk: installationSk }];
      if (account !== undefined) keys.push({ pk, sk: accountSk(account) });
      const items: Record<string, unknown>[] = [];
      try {
        for (let attempt = 0; keys.length > 0; attempt += 1) {
          if (attempt > MAX_UNPROCESSED_RETRIES) throw new Error('unprocessed keys remain after retries');
          if (attempt > 0) await sleep(2 ** attempt * 10);
          const result = await client.send(
            new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }),
          );
          items.push(...(result.Responses?.[tableName] ?? []));
          keys = result.UnprocessedKeys?.[tableName]?.Keys ?? [];
        }
      } catch (error) {
        return translate(error, 'read installation and account');
      }
      const installationItem = items.find((item) => item[TABLE.sortKey] === installationSk);
      const accountItem = items.find((item) => item[TABLE.sortKey] !== installationSk);
      return {
        installation:
          installationItem === undefined
            ? undefined
            : installationFromItem(installationItem as unknown as InstallationItem),
        account: accountItem === undefined ? undefined : accountFromItem(accountItem),
      };
    },
  };
}
