/** `npm run hs` in-process, as a terminal would run it: its exit code and what it wrote. */
import type { Fetch } from '../../../tools/hs/api-client';
import { main } from '../../../tools/hs/index';

export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runHs(
  args: readonly string[],
  options: { env?: Record<string, string | undefined>; fetch?: Fetch; isTTY?: boolean } = {},
): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    env: options.env ?? {},
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    isTTY: options.isTTY ?? false,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  return { code, stdout, stderr };
}

export interface Sent {
  readonly method: string;
  readonly url: URL;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

/** A fetch that records each request and answers what `answer` says (JSON, or 204 for undefined). */
export function fakeFetch(answer: (sent: Sent) => { status: number; body?: unknown }) {
  const sent: Sent[] = [];
  const fetch: Fetch = async (input, init) => {
    const request: Sent = {
      method: init?.method ?? 'GET',
      url: new URL(String(input)),
      headers: (init?.headers ?? {}) as Record<string, string>,
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    sent.push(request);
    const { status, body } = answer(request);
    return new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  };
  return { fetch, sent };
}
