import { type Egress, EgressError } from '../egress';

/** What Handshake reads from a provider's metadata (RFC 8414 / OpenID Connect Discovery). */
export interface ServerMetadata {
  readonly issuer: string;
  /** RFC 9207: the provider says it always sends `iss` on the authorization response. */
  readonly sendsIss: boolean;
}

/** Why metadata is not known: none published there, or the provider could not be read. */
export type MetadataResult =
  | { readonly kind: 'found'; readonly metadata: ServerMetadata }
  | { readonly kind: 'none' }
  | { readonly kind: 'unavailable'; readonly reason: string };

const TIMEOUT_MS = 5_000;
const MAX_BYTES = 64 * 1024;
/** A provider's metadata changes rarely; a container re-reads it at most this often. */
const CACHE_MS = 10 * 60_000;
/** Bounds the cache: URLs built from oauth_iparams (one per customer domain) could grow it. */
const CACHE_ENTRIES = 100;

const cache = new Map<string, { readonly result: MetadataResult; readonly until: number }>();

/** The document's two fields, or undefined when it is not metadata (an HTML page, a 200 `{}`). */
export function parseMetadata(text: string): ServerMetadata | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const { issuer, authorization_response_iss_parameter_supported: sendsIss } = parsed as Record<
    string,
    unknown
  >;
  if (typeof issuer !== 'string' || !/^https?:\/\/\S+$/.test(issuer)) return undefined;
  return { issuer, sendsIss: sendsIss === true };
}

async function load(egress: Egress, url: string): Promise<MetadataResult> {
  try {
    const response = await egress.send({
      url,
      method: 'GET',
      headers: { accept: 'application/json' },
      timeoutMs: TIMEOUT_MS,
      maxResponseBytes: MAX_BYTES,
    });
    if (response.status === 429 || response.status >= 500)
      return { kind: 'unavailable', reason: `the metadata URL answered HTTP ${response.status}` };
    const metadata = response.status === 200 ? parseMetadata(response.body.toString('utf8')) : undefined;
    return metadata === undefined ? { kind: 'none' } : { kind: 'found', metadata };
  } catch (error) {
    if (error instanceof EgressError) return { kind: 'unavailable', reason: error.message };
    throw error;
  }
}

/**
 * GET one metadata document through the egress policy (5 s, 64 KB, no redirect followed).
 * Found and absent documents are cached per container for 10 minutes; failures are not, so a
 * provider that was down is asked again on the next callback.
 */
export async function serverMetadata(egress: Egress, url: string, now: number): Promise<MetadataResult> {
  const cached = cache.get(url);
  if (cached !== undefined && cached.until > now) return cached.result;
  const result = await load(egress, url);
  if (result.kind !== 'unavailable') {
    if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value ?? '');
    cache.set(url, { result, until: now + CACHE_MS });
  }
  return result;
}

/** Forgets every cached document (tests). */
export const clearMetadataCache = (): void => cache.clear();
