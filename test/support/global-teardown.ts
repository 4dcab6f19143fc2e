import type { LocalDynamo } from '../../tools/local/dynamodb-local';
import type { LocalSqs } from '../../tools/local/sqs-server';

export default async function globalTeardown(): Promise<void> {
  const started = globalThis as { __handshakeDynamo?: LocalDynamo; __handshakeSqs?: LocalSqs };
  await Promise.all([started.__handshakeDynamo?.stop(), started.__handshakeSqs?.close()]);
}
