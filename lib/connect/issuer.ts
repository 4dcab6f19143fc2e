import { urlAllowed } from '../app/allowed-hosts';
import type { HandshakeSettings } from '../app/model';
import type { Egress } from '../egress';
import { serverMetadata } from '../oauth/metadata';

/** The issuer a callback's `iss` (RFC 9207) is compared with, and whether it must be sent. */
export type ExpectedIssuer =
  | { readonly kind: 'known'; readonly issuer: string; readonly required: boolean }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'unavailable'; readonly reason: string };

export interface IssuerProblem {
  readonly error: 'issuer_mismatch' | 'issuer_unknown' | 'provider_unavailable';
  readonly description: string;
  readonly failedAt: 'provider' | 'deployment';
}

// RFC 8414 first, then OpenID Connect Discovery, each at the authorization endpoint's origin.
const WELL_KNOWN = ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration'];

/**
 * Where the expected issuer comes from, strongest first: `handshake.issuer` (exact, and `iss`
 * required); else the document at `handshake.metadata_url` (its `issuer`; `iss` required when
 * it says `authorization_response_iss_parameter_supported: true`; unreadable = refuse); else
 * metadata discovered at the authorization endpoint's origin, used only when its `issuer` is
 * that very origin (RFC 8414 §3.3: a document may only speak for the issuer its URL was
 * built from). Every request goes through the egress policy.
 */
export async function expectedIssuer(
  egress: Egress,
  settings: Pick<HandshakeSettings, 'issuer' | 'metadataUrl' | 'allowedHosts'>,
  authorizeUrl: string,
  now: number,
): Promise<ExpectedIssuer> {
  if (settings.issuer !== undefined) return { kind: 'known', issuer: settings.issuer, required: true };
  if (settings.metadataUrl !== undefined) {
    const result = await serverMetadata(egress, settings.metadataUrl, now);
    if (result.kind === 'found')
      return { kind: 'known', issuer: result.metadata.issuer, required: result.metadata.sendsIss };
    return {
      kind: 'unavailable',
      reason: result.kind === 'none' ? 'handshake.metadata_url holds no provider metadata' : result.reason,
    };
  }
  const url = new URL(authorizeUrl);
  // Discovery asks only a host the app vouches for: with allowed_hosts declared (a redeploy may
  // have narrowed them since the form was sent), one they no longer allow is not asked at all.
  if (settings.allowedHosts !== undefined && !urlAllowed(settings.allowedHosts, url))
    return { kind: 'unknown' };
  const origin = url.origin;
  for (const path of WELL_KNOWN) {
    const result = await serverMetadata(egress, `${origin}${path}`, now);
    const issuer = result.kind === 'found' ? result.metadata.issuer : undefined;
    if (result.kind === 'found' && (issuer === origin || issuer === `${origin}/`))
      return { kind: 'known', issuer: result.metadata.issuer, required: result.metadata.sendsIss };
  }
  // Nothing published (or not reachable): nothing to compare a sent iss with.
  return { kind: 'unknown' };
}

/**
 * RFC 9207, decided: `iss` equal to the expected issuer by exact string, required when the
 * provider is known to send it; an `iss` that nothing can be compared with is refused, since
 * "the right host" is not the right issuer (two tenants of one host have different issuers).
 */
export function issuerProblem(expected: ExpectedIssuer, iss: string | undefined): IssuerProblem | undefined {
  switch (expected.kind) {
    case 'unavailable':
      return {
        error: 'provider_unavailable',
        description: `the provider's metadata could not be read (${expected.reason})`,
        failedAt: 'provider',
      };
    case 'unknown':
      if (iss === undefined) return undefined;
      return {
        error: 'issuer_unknown',
        description:
          'the provider named its issuer, but this integration has no issuer to check it against (handshake.issuer or handshake.metadata_url)',
        failedAt: 'deployment',
      };
    case 'known':
      if (iss === expected.issuer) return undefined;
      if (iss === undefined && !expected.required) return undefined;
      return {
        error: 'issuer_mismatch',
        description:
          iss === undefined
            ? 'the provider sent no iss, but it always sends one'
            : 'iss names another authorization server',
        failedAt: 'provider',
      };
  }
}
