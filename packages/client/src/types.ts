/** What the app sends and gets back: FDK's request method's shapes, and Handshake's API's. */

/** A `context` value: sent as JSON, read by the template as text. */
export type ContextValue = string | number | boolean;

/**
 * The templates a client may invoke, by name, with the `context` keys each reads: generated from
 * the app folder by `npm run validate -- --emit-types <file>` (a key marked optional is only read
 * behind an `||` fallback). Self-referencing, so that an `interface`, which has no index
 * signature, qualifies as well as a `type`.
 */
export type TemplatesOf<Templates> = { readonly [Name in keyof Templates]: { readonly context: object } };

/** A client without generated types: any name, any context. */
export interface AnyTemplates {
  readonly [name: string]: { readonly context: { readonly [key: string]: ContextValue | undefined } };
}

/** A file of a template with `schema.formData` or `schema.file`. */
export interface UploadFile {
  /** The bytes, base64. */
  readonly content: string;
  readonly filename?: string;
  readonly contentType?: string;
}

/** FDK's options of `invokeTemplate`, and Handshake's `account` and `files`. */
export interface InvokeOptions<Context extends object> {
  readonly context?: Context;
  /** A string is sent as it is (what FDK code passes); anything else as JSON. */
  readonly body?: unknown;
  readonly query?: { readonly [name: string]: string | number | boolean };
  readonly cache?: boolean;
  /** Milliseconds, with `cache: true` (1 to 3,600,000). */
  readonly ttl?: number;
  /** Whose token: `default` when omitted; an agent-level integration needs it. */
  readonly account?: string;
  readonly files?: { readonly [name: string]: UploadFile };
}

/** `context` required exactly when the template reads a key that has no fallback. */
export type OptionsFor<Context extends object> =
  Partial<Context> extends Context
    ? InvokeOptions<Context>
    : InvokeOptions<Context> & { readonly context: Context };

/** What `invokeTemplate` resolves with: FDK's envelope. */
export interface InvokeResult {
  readonly status: number;
  readonly headers: { readonly [name: string]: string };
  /** The body as text, or its bytes in base64 when `encoding` is `base64`. */
  readonly response: string;
  readonly attempts: number;
  readonly encoding?: 'base64';
}

/** `APP`: the request, the app or its settings; `PLATFORM`: Handshake or the network. */
export type ErrorSource = 'APP' | 'PLATFORM';

export interface Account {
  readonly account: string;
  readonly status: 'authorized' | 'reauthorization_required';
  readonly expiresAt: string | null;
  readonly lastRefreshedAt: string | null;
  readonly authorizedAt: string | null;
  readonly scope: string | null;
  readonly failingSince?: string;
  readonly error?: { readonly code: string; readonly at: string };
}

export interface Installation {
  readonly id: string;
  readonly createdAt: string;
  readonly integrations: ReadonlyArray<{
    readonly name: string;
    readonly displayName: string;
    readonly tokenType: 'account' | 'agent' | 'client';
    readonly accounts: readonly Account[];
  }>;
  readonly [field: string]: unknown;
}

export interface CreatedInstallation extends Installation {
  /** The installation's own key: shown once. */
  readonly apiKey: string;
}

export interface ConnectLinkOptions {
  readonly account?: string;
  readonly returnUrl?: string;
  readonly expiresInSeconds?: number;
  readonly oauth_iparams?: { readonly [field: string]: string };
  readonly oauthIparamsHidden?: boolean;
  readonly scopes?: readonly string[];
}

export interface ConnectLink {
  /** A bearer secret for the one person who should authorize: send it to them only. */
  readonly url: string;
  readonly expiresAt: string;
  readonly integration: string;
  readonly account: string;
}

export interface RefreshResult {
  /** `failed`: retried later, the token kept; `dead`: the grant is gone, make a connect link. */
  readonly outcome: 'refreshed' | 'failed' | 'dead';
  readonly account: Account;
}

export interface TestEventResult {
  readonly eventId: string;
  readonly delivered: boolean;
  readonly receiverStatus?: number;
  readonly error?: string;
}
