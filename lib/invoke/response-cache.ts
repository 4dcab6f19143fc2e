import { createHash } from 'node:crypto';
import type { AccountKey, AccountRecord } from '../accounts/record';
import { responseCacheAad } from '../crypto/aad';
import { describeError, logger } from '../observability/logger';
import { count } from '../observability/metrics';
import type { CachedResponse, InstallationRecord, ResponseCacheStore } from '../store/ports';
import type { Vault } from '../tokens/vault';
import type { RenderedRequest } from './render-request';

/**
 * FDK's `cache` and `ttl` of invokeTemplate, as a response cache shared by every container
 * (docs/app-format.md "Caching"). What decides: only a GET is cached, only a 2xx answer is
 * stored, only one that fits an item; an entry is served only to the same installation, account
 * and rendered request (method, URL, headers, body), within its ttl, and only while the grant
 * it was made with is the account's grant as this invoke read it — so a delete, a reconnect or
 * a dead grant is a miss at the very next invoke, in every container.
 */

/** FDK's default ttl (ms). */
export const DEFAULT_CACHE_TTL_MS = 60_000;
/** The longest ttl an invoke may ask for (ms): one hour. */
export const MAX_CACHE_TTL_MS = 60 * 60 * 1000;
/**
 * The largest envelope (as JSON) that is stored: sealed, base64url grows it by a third, and a
 * DynamoDB item holds at most 400 KB. A larger answer is returned and simply not cached.
 */
export const MAX_CACHED_ENVELOPE_BYTES = 256 * 1024;

/** What the caller asked for (`cache`, `ttl` of the invoke body). */
export interface CacheOptions {
  readonly cache?: boolean | undefined;
  readonly ttl?: number | undefined;
}

/** One invoke's cache: where its entries live and which grant they must have been made with. */
export interface CachePlan {
  readonly installationId: string;
  readonly account: AccountKey | undefined;
  readonly grant: string;
  readonly ttlMs: number;
}

type Request = RenderedRequest & { readonly body?: string | Uint8Array | undefined };

/** Any envelope: the cache keeps it as JSON and gives it back as it was. */
interface Answer {
  readonly status: number;
}

/**
 * The plan of an invoke, or undefined when nothing is looked up or stored: `cache` not true, a
 * method other than GET (FDK caches reads; a write is sent every time), or an account that holds
 * no live grant (its invoke is refused anyway).
 */
export function cachePlan(
  options: CacheOptions,
  method: string,
  installation: InstallationRecord,
  account: { readonly key: AccountKey; readonly record: AccountRecord | undefined } | undefined,
): CachePlan | undefined {
  if (options.cache !== true || method !== 'GET') return undefined;
  if (account !== undefined && account.record?.status !== 'authorized') return undefined;
  return {
    installationId: installation.id,
    account: account?.key,
    // The last completed handshake names the grant: a reconnect or a reauthorization changes
    // it, a disconnect removes the account; the installation's creation names the installation.
    grant: JSON.stringify([installation.createdAt, account?.record?.authorizedAt ?? null]),
    ttlMs: options.ttl ?? DEFAULT_CACHE_TTL_MS,
  };
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** SHA-256 over the account and the rendered request, headers sorted by name: no value appears in a key. */
export function requestHash(account: AccountKey | undefined, request: Request): string {
  const headers = Object.entries(request.headers)
    .map(([name, value]) => [name.toLowerCase(), value] as const)
    .sort(([a, x], [b, y]) => byText(a, b) || byText(x, y));
  const identity = [
    account?.integration ?? null,
    account?.account ?? null,
    request.method,
    request.url,
    headers,
    request.body instanceof Uint8Array
      ? Buffer.from(request.body).toString('base64')
      : (request.body ?? null),
  ];
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex');
}

/** An entry may be served: the grant it was made with is the current one, and it is within its ttl. */
export const isServable = (entry: CachedResponse, plan: CachePlan, now: number): boolean =>
  entry.grant === plan.grant && entry.expiresAt > now && entry.expiresAt <= now + MAX_CACHE_TTL_MS;

/** An answer is stored when it is a 2xx and its JSON fits; undefined when not. */
export function storable<E extends Answer>(answer: E): string | undefined {
  if (answer.status < 200 || answer.status > 299) return undefined;
  const text = JSON.stringify(answer);
  return Buffer.byteLength(text, 'utf8') <= MAX_CACHED_ENVELOPE_BYTES ? text : undefined;
}

export interface ResponseCacheDeps {
  readonly store: ResponseCacheStore;
  readonly vault: () => Promise<Vault>;
  readonly now: () => number;
}

const aadOf = (entry: Omit<CachedResponse, 'envelope'>) =>
  responseCacheAad(entry.installationId, entry.requestHash, entry.grant, entry.expiresAt);

/**
 * Looks answers up and stores them. A cache that fails (storage, a key rotated away) is a miss
 * or an answer not stored, never a failed invoke: the upstream's answer is what matters.
 */
export class ResponseCache {
  constructor(private readonly deps: ResponseCacheDeps) {}

  /** The stored answer to `request`, if one may be served under `plan`. */
  async find<E extends Answer>(plan: CachePlan | undefined, request: Request): Promise<E | undefined> {
    if (plan === undefined) return undefined;
    const hash = requestHash(plan.account, request);
    try {
      const entry = await this.deps.store.get(plan.installationId, hash);
      if (entry === undefined || !isServable(entry, plan, this.deps.now())) {
        count('InvokeCacheMiss');
        return undefined;
      }
      const answer = JSON.parse((await this.deps.vault()).open(entry.envelope, aadOf(entry))) as E;
      count('InvokeCacheHit');
      return answer;
    } catch (error) {
      count('InvokeCacheMiss');
      logger.warn('cached response unreadable', {
        installationId: plan.installationId,
        ...describeError(error),
      });
      return undefined;
    }
  }

  /** Stores `answer` to `request` for the plan's ttl, if it is storable. */
  async keep<E extends Answer>(plan: CachePlan | undefined, request: Request, answer: E): Promise<void> {
    if (plan === undefined) return;
    const text = storable(answer);
    if (text === undefined) {
      if (answer.status >= 200 && answer.status <= 299) count('InvokeCacheTooLarge');
      return;
    }
    const entry = {
      installationId: plan.installationId,
      requestHash: requestHash(plan.account, request),
      grant: plan.grant,
      expiresAt: this.deps.now() + plan.ttlMs,
    };
    try {
      const envelope = (await this.deps.vault()).seal(text, aadOf(entry));
      await this.deps.store.put({ ...entry, envelope });
    } catch (error) {
      // The installation was deleted meanwhile, or storage failed: the answer still goes back.
      logger.warn('response not cached', { installationId: plan.installationId, ...describeError(error) });
    }
  }
}
