/**
 * How the invoke integration tests reach the HTTP API: an installation made by the admin, a
 * POST /installations/{id}/invoke with its key, and the real upstream its templates call.
 */
import { bearer, createInstallation, world } from '../../support/harness';
import { startUpstream, type Upstream } from '../../support/upstream';

export interface Installation {
  readonly id: string;
  readonly apiKey: string;
}

/** FDK's envelope as the API answers it: the upstream's answer, or an error's code and source. */
export interface Envelope {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly response: string;
  /** `base64` for a binary answer. */
  readonly encoding?: string;
  readonly attempts: number;
  readonly errorSource?: string;
  readonly code?: string;
}

export interface Invoked {
  readonly http: number;
  readonly envelope: Envelope;
}

/** POST /installations/{id}/invoke with the installation's own key and `body` as JSON. */
export function invoke(installation: Installation, body: object): Promise<Invoked>;
/** With `raw`, `text` is the body as it is: JSON a test writes by hand (10,000 levels deep, say). */
export function invoke(
  installation: Installation,
  text: string,
  options: { readonly raw: true },
): Promise<Invoked>;
export async function invoke(
  installation: Installation,
  body: object | string,
  options: { readonly raw?: boolean } = {},
): Promise<Invoked> {
  const response = await fetch(`${world.api.url}/installations/${installation.id}/invoke`, {
    method: 'POST',
    headers: bearer(installation.apiKey),
    body: options.raw === true ? String(body) : JSON.stringify(body),
  });
  return { http: response.status, envelope: (await response.json()) as Envelope };
}

/** An installation, made with the admin key, whose templates call `host` (its `upstream` iparam). */
export const installationOn = (host: string, iparams: Readonly<Record<string, string>> = {}) =>
  createInstallation({ iparams: { upstream: host, ...iparams } });

/**
 * Registers the hooks that start a real upstream for this test file (checking tokens at the
 * harness's OAuth server, so after `useHarness`) and close it after; the getter gives it.
 */
export function useUpstream(): () => Upstream {
  let upstream: Upstream | undefined;
  beforeAll(async () => {
    upstream = await startUpstream(world.oauth.resourceUrl);
  });
  afterAll(async () => {
    await upstream?.close();
  });
  return () => {
    if (upstream === undefined) throw new Error('the upstream runs only once the tests do');
    return upstream;
  };
}
