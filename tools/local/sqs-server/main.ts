import { startSqsServer } from './server';

/** `npx tsx tools/local/sqs-server/main.ts [--port 9324] [--host 127.0.0.1]`: a local SQS until SIGINT/SIGTERM. */
function option(args: readonly string[], name: string): string | undefined {
  const index = args.indexOf(`--${name}`);
  if (index === -1) return undefined;
  const value = args[index + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`--${name} needs a value`);
  return value;
}

async function main(args: readonly string[]): Promise<void> {
  const portText = option(args, 'port') ?? '9324';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--port ${portText} is not a port number`);
  const host = option(args, 'host') ?? '127.0.0.1';
  const sqs = await startSqsServer({ port, host });
  console.log(`Local SQS (AWS JSON 1.0 protocol) listening at ${sqs.endpoint}`);
  console.log(`Queue URLs look like ${sqs.endpoint}/000000000000/<name>. Ctrl-C stops it.`);
  const stop = () => {
    void sqs.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
