import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { NotFoundError } from '../errors';
import type { TableRef } from './dynamo';
import { failedConditions, translate } from './dynamo-errors';
import { INSTALLATION_SK, installationPk, TABLE } from './layout';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * Writes `items` in one transaction that also checks the installation item still exists: what
 * stops a callback or a refresh that races a DELETE from resurrecting records of a deleted
 * installation. That check failing is the installation's NotFoundError; any other failure is
 * translated (a condition of `items` → ConflictError).
 */
export async function writeWithinInstallation(
  table: TableRef,
  installationId: string,
  items: readonly TransactItem[],
  operation: string,
): Promise<void> {
  const exists: TransactItem = {
    ConditionCheck: {
      TableName: table.tableName,
      Key: { pk: installationPk(installationId), sk: INSTALLATION_SK },
      ConditionExpression: 'attribute_exists(#pk)',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
    },
  };
  try {
    await table.client.send(new TransactWriteCommand({ TransactItems: [exists, ...items] }));
  } catch (error) {
    if (failedConditions(error).includes(0)) {
      throw new NotFoundError('installation', `Installation ${installationId} does not exist`, {
        cause: error,
      });
    }
    translate(error, operation);
  }
}
