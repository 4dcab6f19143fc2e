import type { IparamField, OAuthIparamField } from './iparams-model';
import type { Template } from './template/ast';

/** The app as Handshake uses it: normalized from either oauth_config.json form, validated. */
export interface App {
  readonly name: string;
  /** `platform-version` of manifest.json, e.g. "3.1". */
  readonly platformVersion: string | undefined;
  readonly integrations: ReadonlyMap<string, Integration>;
  /** The request templates that can be invoked: in requests.json and declared in the manifest. */
  readonly templates: ReadonlyMap<string, RequestTemplate>;
  /** Templates in requests.json that the manifest does not declare: they can never be invoked. */
  readonly undeclaredTemplates: ReadonlySet<string>;
  readonly iparams: ReadonlyMap<string, IparamField>;
  readonly oauthConfigFormat: 'integrations' | 'single' | 'none';
  /**
   * handshake.json's `branding`, for the pages a person sees. Read it with getBranding()
   * (./branding.ts): a bundle carries it apart from this model, in the functions that render
   * those pages only, so the logo weighs on no other function's bundle (the 350 KB budget).
   */
  readonly branding: Branding;
}

/** How the connect and callback pages look for this app; each part is optional. */
export interface Branding {
  /** The logo as a `data:` URL: base64, its media type taken from its content by the validator. */
  readonly logo?: string;
  /** `#rrggbb`: the pages' accent (the Authorize button, links, focus rings). */
  readonly accentColor?: string;
}

/**
 * `client`: a machine-to-machine token of the client-credentials grant (RFC 6749 §4.4). No person
 * connects it: Handshake fetches it at first use and again before it expires (docs/app-format.md).
 */
export type TokenType = 'account' | 'agent' | 'client';

/** Whether the integration's tokens come from the client-credentials grant rather than a person. */
export const isClientGrant = (integration: Pick<Integration, 'tokenType'>): boolean =>
  integration.tokenType === 'client';

/**
 * Whether the integration's tokens are renewed without a refresh token: the client's own grant,
 * or a refresh of the access token itself (`refresh_request.token`, Instagram).
 */
export const renewsWithoutRefreshToken = (
  integration: Pick<Integration, 'tokenType' | 'settings'>,
): boolean => isClientGrant(integration) || integration.settings.refreshRequest?.token === 'access_token';

/** One OAuth configuration. The older single form of oauth_config.json becomes one named `default`. */
export interface Integration {
  readonly name: string;
  readonly displayName: string;
  readonly clientId: Template;
  readonly clientSecret: Template;
  /** A `client` integration has none: its token_url stands in, never used (no connect page). */
  readonly authorizeUrl: Template;
  readonly tokenUrl: Template;
  /** Query parameters of the authorization request (every `options` key but `customHeaders`). */
  readonly options: Readonly<Record<string, string>>;
  /** Headers of every token-endpoint request. */
  readonly customHeaders: Readonly<Record<string, string>>;
  readonly tokenType: TokenType;
  readonly oauthIparams: readonly OAuthIparamField[];
  readonly settings: HandshakeSettings;
}

/** The parameters Handshake sets on every authorization request; options may not replace them. */
export const AUTHORIZE_PROTOCOL_PARAMS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'state',
  'code_challenge',
  'code_challenge_method',
] as const;
export type AuthorizeProtocolParam = (typeof AUTHORIZE_PROTOCOL_PARAMS)[number];
/** Those a provider may want under another name: `state` comes back as `state`, so it keeps its name. */
export const RENAMABLE_AUTHORIZE_PARAMS = AUTHORIZE_PROTOCOL_PARAMS.filter(
  (name): name is Exclude<AuthorizeProtocolParam, 'state'> => name !== 'state',
);

/** The parameters Handshake itself sets on a token request (code exchange, refresh, client grant). */
export const TOKEN_PROTOCOL_PARAMS = [
  'grant_type',
  'code',
  'redirect_uri',
  'code_verifier',
  'refresh_token',
  'scope',
  'client_id',
  'client_secret',
] as const;
export type TokenProtocolParam = (typeof TOKEN_PROTOCOL_PARAMS)[number];

/**
 * `handshake.refresh_request`: a refresh that is not a POSTed refresh_token grant. Instagram and
 * Threads refresh the long-lived access token itself with a GET; such a GET carries no client
 * credentials, and its token is in the query because the provider designed it so.
 */
export interface RefreshRequest {
  readonly method: 'GET' | 'POST';
  /** The grant_type value sent (`ig_refresh_token`). */
  readonly grantType: string;
  /** Which of the account's tokens is renewed: the refresh token, or the access token itself. */
  readonly token: 'refresh_token' | 'access_token';
  /** The parameter that carries it. */
  readonly tokenParam: string;
}

export type ClientAuth = 'client_secret_basic' | 'client_secret_post';
/** How a token request's parameters are encoded: a form (RFC 6749) or a JSON object. */
export type TokenRequestEncoding = 'form' | 'json';
export type ExpiresInUnit = 'seconds' | 'milliseconds' | 'minutes';

/** Dotted paths into the token response (defaults are the RFC 6749 field names). */
export interface TokenResponsePaths {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresIn: string;
  /** The absolute expiry (epoch seconds or an ISO 8601 date), read when `expiresIn` is absent. */
  readonly expiresAt: string;
  readonly tokenType: string;
  readonly scope: string;
}

/** The integration's `handshake` key: knobs FDK does not have, never sent to a provider. Defaults applied. */
export interface HandshakeSettings {
  readonly pkce: boolean;
  readonly clientAuth: ClientAuth;
  /** The body of the code exchange and of each refresh. */
  readonly tokenRequest: TokenRequestEncoding;
  /** A protocol parameter of the authorization request → the name this provider wants (TikTok's `client_key`). */
  readonly authorizeParamNames: Readonly<Partial<Record<AuthorizeProtocolParam, string>>>;
  /** Leave out each authorization-request parameter whose value renders empty (`?scope=` refused by Pipedrive). */
  readonly dropEmptyAuthorizeParams: boolean;
  /** The callback query parameter that carries the authorization code (`code`; Amazon SP-API `spapi_oauth_code`). */
  readonly codeParam: string;
  /** Callback query parameters kept with the account (QuickBooks `realmId`), sealed like its tokens. */
  readonly callbackParams: readonly string[];
  /** A kept callback parameter → the account fact it is kept as, when not its own name (`accounts-server` → `accounts_server`). */
  readonly callbackFactNames: Readonly<Record<string, string>>;
  /** Extra parameters of the code exchange; templates of `oauth_iparams` and `account` (the facts known then). */
  readonly tokenParams: Readonly<Record<string, Template>>;
  /** Extra parameters of a refresh; templates of the stored account's facts. */
  readonly refreshParams: Readonly<Record<string, Template>>;
  /** A parameter of the token request → the name this provider wants (TikTok's `client_key`). */
  readonly tokenParamNames: Readonly<Partial<Record<TokenProtocolParam, string>>>;
  /** How a refresh is asked for when not as RFC 6749 §6 says (Instagram's GET with the access token). */
  readonly refreshRequest: RefreshRequest | undefined;
  readonly scopeSeparator: string;
  readonly tokenResponse: TokenResponsePaths;
  readonly expiresInUnit: ExpiresInUnit;
  readonly refreshLeadSeconds: number;
  /** Lifetime assumed when the provider sends no expiry; null: refresh only after a 401. */
  readonly defaultLifetimeSeconds: number | null;
  readonly revocationUrl: Template | undefined;
  /** Where refreshes go when not to `token_url` (Figma, Instagram); same host rules as `token_url`. */
  readonly refreshUrl: Template | undefined;
  /** Token-response fields kept with the account (e.g. `instance_url`), never the tokens themselves. */
  readonly keepFields: readonly string[];
  /** The `iss` expected on the callback (RFC 9207), exactly; when set, `iss` is required. */
  readonly issuer: string | undefined;
  /** Where provider URLs may lead when the installer's oauth_iparams choose the host; undefined: not declared. */
  readonly allowedHosts: readonly AllowedHost[] | undefined;
  /** The provider's metadata document (RFC 8414 / OIDC discovery): its issuer, whether it sends `iss`. */
  readonly metadataUrl: string | undefined;
  /** The provider's own rate-limit headers, for every template of the integration that has none. */
  readonly rateLimit: RateLimitRule | undefined;
}

/** How a reset header says when to retry: seconds from now, seconds since the epoch, an HTTP date. */
export type ResetForm = 'seconds' | 'epoch_seconds' | 'http_date';

/**
 * `rate_limit` (of an integration's `handshake` or a template's `options`): the headers in which
 * a provider says when a rate-limited call may be retried, beyond the usual ones
 * (lib/invoke/retry-wait.ts).
 */
export interface RateLimitRule {
  /** Lower-case; undefined when only the body says it. */
  readonly resetHeader: string | undefined;
  /** The path of the wait in a JSON error body (`["error", "retry_after"]`); read as `reset` says. */
  readonly resetBody: readonly string[] | undefined;
  /** Undefined: read as X-RateLimit-Reset is — a date, or a number by its magnitude. */
  readonly reset: ResetForm | undefined;
  /** Lower-case; a value of 0 there marks the answer as a rate limit. Undefined: the usual names only. */
  readonly remainingHeader: string | undefined;
}

/** One `handshake.allowed_hosts` pattern: `domain`, or with `subdomains` any host under it (`*.domain`). */
export interface AllowedHost {
  /** Lower-case, without a trailing dot. */
  readonly domain: string;
  readonly subdomains: boolean;
  /** Undefined: the scheme's default port only. */
  readonly port: number | undefined;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestTemplate {
  readonly name: string;
  readonly method: HttpMethod;
  readonly protocol: 'https' | 'http';
  readonly host: Template;
  readonly path: Template;
  readonly headers: ReadonlyMap<string, Template>;
  readonly query: ReadonlyMap<string, Template>;
  /** The integration whose access token the template uses. */
  readonly oauth: string | undefined;
  readonly maxAttempts: number;
  /** Milliseconds between attempts. */
  readonly retryDelay: number;
  /** `options.rate_limit`: replaces the integration's `handshake.rate_limit` for this template. */
  readonly rateLimit?: RateLimitRule;
  /** FDK's `schema.formData` or `schema.file`; absent: the body is the invoke's `body`. */
  readonly upload?: RequestUpload;
  /** `options.security`: the TLS material of this template's calls (secure iparams, app settings). */
  readonly tls?: TlsSources;
}

/**
 * Where the PEM text of a template's TLS material comes from, each one `<%= iparam.NAME %>` of
 * a secure iparam or `<%= app_settings.PATH %>` (both sealed at rest): a CA that replaces the
 * public ones, a client certificate and its key (mutual TLS), the key's passphrase.
 */
export interface TlsSources {
  readonly ca?: Template;
  readonly cert?: Template;
  readonly key?: Template;
  readonly passphrase?: Template;
}

export const TLS_FIELDS = [
  'ca',
  'cert',
  'key',
  'passphrase',
] as const satisfies readonly (keyof TlsSources)[];

/** A named part of a multipart body: a text field's value, or a file's `ref`. */
export interface FormPart {
  readonly name: string;
  readonly value: Template;
}

/**
 * What a template builds its request body from instead of the invoke's `body`: multipart
 * fields and files (`schema.formData`) or one raw file (`schema.file`). A file's `ref` renders
 * to the name of a file the invoke carries (base64, in `files`); on FDK it names an upload in
 * the platform's object store, which Handshake does not have. Parts keep the template's order.
 */
export type RequestUpload =
  | { readonly kind: 'formData'; readonly fields: readonly FormPart[]; readonly files: readonly FormPart[] }
  | { readonly kind: 'file'; readonly ref: Template };
