import { EgressError } from './errors';

/** What a response body must offer: node:http's IncomingMessage is one. */
export interface ResponseBody extends AsyncIterable<Uint8Array> {
  destroy(error?: Error): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

const ignore = (): void => undefined;

/**
 * Stop reading and drop the connection: it is mid-message and cannot be reused (destroying an
 * unfinished IncomingMessage destroys its socket, so it never goes back to the keep-alive
 * pool). A late error from the destroyed stream has nobody else listening for it.
 */
function discard(body: ResponseBody): void {
  body.on('error', ignore);
  body.destroy();
}

const tooLarge = (destination: string, maxBytes: number): EgressError =>
  new EgressError(
    'response_too_large',
    'response_too_large',
    `Egress to ${destination}: the response body is larger than the limit of ${maxBytes} bytes`,
  );

/**
 * Read a whole body, counting bytes as they arrive and stopping at the first byte over
 * `maxBytes`: a body over the limit is an error, never a silently truncated value. A declared
 * Content-Length over the limit fails before anything is read.
 */
export async function readLimited(
  body: ResponseBody,
  contentLength: string | undefined,
  maxBytes: number,
  destination: string,
): Promise<Buffer> {
  if (contentLength !== undefined && /^\d+$/.test(contentLength) && Number(contentLength) > maxBytes) {
    discard(body);
    throw tooLarge(destination, maxBytes);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      discard(body);
      throw tooLarge(destination, maxBytes);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}
