import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { forInstallation, lambdaContext, loadEvent, withAuthorization } from '../../support/events';

export type InvokeHandler = (event: unknown, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** functions/invoke as a fresh Lambda container loads it: its own module registry, runtime and memory. */
export async function invokeContainer(): Promise<InvokeHandler> {
  let handler: InvokeHandler | undefined;
  await jest.isolateModulesAsync(async () => {
    ({ handler } = (await import('../../../functions/invoke')) as unknown as { handler: InvokeHandler });
  });
  if (handler === undefined) throw new Error('functions/invoke did not load');
  return handler;
}

export interface InvokeAnswer {
  readonly http: number;
  readonly body: {
    status?: number;
    response?: string;
    code?: string;
    attempts?: number;
    errorSource?: string;
    error?: { code: string };
  };
}

/** events/invoke.json pointed at `id` with `key` and `body`, answered by `handler`. */
export async function invokeWith(
  handler: InvokeHandler,
  id: string,
  key: string,
  body: object,
  context: Context = lambdaContext('handshake-test-invoke'),
): Promise<InvokeAnswer> {
  const event = loadEvent('invoke.json', (event) => {
    forInstallation(id)(event);
    withAuthorization(`Bearer ${key}`)(event);
    event.body = JSON.stringify(body);
  });
  const result = await handler(event, context);
  return { http: result.statusCode ?? 0, body: JSON.parse(result.body ?? '{}') as InvokeAnswer['body'] };
}
