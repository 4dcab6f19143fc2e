/**
 * `createClient({ url, key, installationId? })`: the app backend's side of Handshake — FDK's
 * `request.invokeTemplate` for one installation, and the calls around it (installations,
 * connect links, refresh now, an installation's status). `key` is the admin key, or an
 * installation's own key for that installation's calls.
 */
import { call, type Fetch, path, type Transport } from './http.js';
import { invokeTemplate } from './invoke.js';
import type {
  AnyTemplates,
  ConnectLink,
  ConnectLinkOptions,
  CreatedInstallation,
  Installation,
  InvokeResult,
  OptionsFor,
  RefreshResult,
  TemplatesOf,
  TestEventResult,
} from './types.js';

export interface ClientOptions {
  /** The deployment's base URL (what the deploy printed, or PUBLIC_URL). */
  readonly url: string;
  /** The admin key, or an installation's key. */
  readonly key: string;
  /** The installation `request.invokeTemplate` calls for. */
  readonly installationId?: string;
  /** Another fetch (a proxy agent, a test double); the global one by default. */
  readonly fetch?: Fetch;
}

/** `invokeTemplate(name, options)`, typed by the app's generated template map. */
export interface RequestApi<Templates extends TemplatesOf<Templates>> {
  invokeTemplate<Name extends keyof Templates & string>(
    name: Name,
    ...options: Partial<Templates[Name]['context']> extends Templates[Name]['context']
      ? [options?: OptionsFor<Templates[Name]['context']>]
      : [options: OptionsFor<Templates[Name]['context']>]
  ): Promise<InvokeResult>;
}

export interface HandshakeClient<Templates extends TemplatesOf<Templates>> {
  readonly request: RequestApi<Templates>;
  /** The same client for another installation (and its key, if it has its own). */
  forInstallation(installationId: string, key?: string): HandshakeClient<Templates>;
  readonly installations: {
    create(fields?: {
      iparams?: Record<string, unknown>;
      current_host?: unknown;
      app_settings?: unknown;
    }): Promise<CreatedInstallation>;
    get(installationId?: string): Promise<Installation>;
    delete(installationId?: string): Promise<void>;
  };
  readonly connectLinks: {
    create(
      integration: string,
      options?: ConnectLinkOptions & { installationId?: string },
    ): Promise<ConnectLink>;
  };
  /** Refresh one account's token now, through the same lease as the sweep. */
  refresh(
    integration: string,
    options?: { account?: string; installationId?: string },
  ): Promise<RefreshResult>;
  /** Each integration's accounts and their status (`authorized`, `reauthorization_required`). */
  status(installationId?: string): Promise<Installation['integrations']>;
  /** Send one signed `webhook.test` event to the deployment's webhook now (admin key). */
  testWebhook(installationId?: string): Promise<TestEventResult>;
}

function checkedUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(
      `createClient: url "${url}" is not a URL; give the deployment's base URL, e.g. https://abc123.execute-api.eu-west-1.amazonaws.com`,
    );
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new TypeError(`createClient: url must be http(s), not ${parsed.protocol}`);
  return url;
}

export function createClient<Templates extends TemplatesOf<Templates> = AnyTemplates>(
  options: ClientOptions,
): HandshakeClient<Templates> {
  if (typeof options.key !== 'string' || options.key === '')
    throw new TypeError('createClient: key is required (the admin key or an installation key)');
  const fetcher = options.fetch ?? globalThis.fetch;
  if (typeof fetcher !== 'function')
    throw new TypeError('createClient: no fetch here; give one as `fetch` (Node 18+ has it)');
  const transport: Transport = { url: checkedUrl(options.url), key: options.key, fetch: fetcher };
  const installation = (given: string | undefined): string => {
    const id = given ?? options.installationId;
    if (id === undefined)
      throw new TypeError(
        'this call needs an installation: give installationId to createClient or to the call',
      );
    return id;
  };
  return {
    request: {
      invokeTemplate: (name, ...rest) =>
        invokeTemplate(transport, installation(undefined), name, rest[0] ?? {}),
    } as RequestApi<Templates>,
    forInstallation: (installationId, key) =>
      createClient<Templates>({ ...options, installationId, ...(key === undefined ? {} : { key }) }),
    installations: {
      create: (fields = {}) => call(transport, 'POST', '/installations', fields),
      get: (id) => call(transport, 'GET', path`/installations/${installation(id)}`),
      delete: async (id) => {
        await call(transport, 'DELETE', path`/installations/${installation(id)}`);
      },
    },
    connectLinks: {
      create: (integration, { installationId, ...link } = {}) =>
        call(transport, 'POST', path`/installations/${installation(installationId)}/connect-links`, {
          integration,
          ...link,
        }),
    },
    refresh: (integration, { account, installationId } = {}) =>
      call(
        transport,
        'POST',
        path`/installations/${installation(installationId)}/integrations/${integration}/refresh`,
        account === undefined ? {} : { account },
      ),
    status: async (id) =>
      (await call<Installation>(transport, 'GET', path`/installations/${installation(id)}`)).integrations,
    testWebhook: (id) => call(transport, 'POST', path`/installations/${installation(id)}/events/test`),
  };
}
