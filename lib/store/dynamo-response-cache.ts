import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Sealed } from '../crypto/sealed';
import type { TableRef } from './dynamo';
import { translate } from './dynamo-errors';
import { writeWithinInstallation } from './dynamo-within-installation';
import { installationPk, responseCacheSk, TABLE } from './layout';
import type { CachedResponse, ResponseCacheStore } from './ports';

/** The entry as read back, or undefined when an attribute is missing or of another type. */
function entryOf(installationId: string, requestHash: string, item: Record<string, unknown>) {
  const { grant, expiresAt, envelope } = item;
  if (typeof grant !== 'string' || typeof expiresAt !== 'number' || typeof envelope !== 'string')
    return undefined;
  return { installationId, requestHash, grant, expiresAt, envelope: envelope as Sealed };
}

/**
 * Cached answers as items of the installation's partition (`CACHE#<request hash>`). A read is
 * eventually consistent: whether an entry may be served is decided against the invoke's own
 * strongly consistent read of the installation and the account (its grant), never against the
 * entry alone. A write is a transaction with the installation's existence check, so an answer
 * that races a DELETE of the installation cannot outlive the partition's sweep.
 */
export function dynamoResponseCache(table: TableRef): ResponseCacheStore {
  const { client, tableName } = table;
  return {
    async get(installationId, requestHash) {
      try {
        const result = await client.send(
          new GetCommand({
            TableName: tableName,
            Key: { pk: installationPk(installationId), sk: responseCacheSk(requestHash) },
          }),
        );
        return result.Item === undefined ? undefined : entryOf(installationId, requestHash, result.Item);
      } catch (error) {
        return translate(error, 'read cached response');
      }
    },
    async put(entry: CachedResponse) {
      const item = {
        [TABLE.partitionKey]: installationPk(entry.installationId),
        [TABLE.sortKey]: responseCacheSk(entry.requestHash),
        grant: entry.grant,
        expiresAt: entry.expiresAt,
        envelope: entry.envelope,
        [TABLE.ttl]: Math.ceil(entry.expiresAt / 1000),
      };
      await writeWithinInstallation(
        table,
        entry.installationId,
        [{ Put: { TableName: tableName, Item: item } }],
        'write cached response',
      );
    },
  };
}
