import type { LocalDynamo } from '../../tools/local/dynamodb-local';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __handshakeDynamo?: LocalDynamo }).__handshakeDynamo?.stop();
}
