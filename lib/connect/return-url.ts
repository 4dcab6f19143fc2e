import { InvalidInputError } from '../errors';

const MAX_RETURN_URL_LENGTH = 2048;

/**
 * A connect link's `returnUrl`: absolute https (plain http only where the deployment's egress
 * allow list names the destination, i.e. local development), no credentials. Checked when the
 * link is made, so the callback can never be turned into an open redirector.
 */
export function checkReturnUrl(raw: string, allowsPlainHttp: (url: URL) => boolean): string {
  const refuse = (why: string) =>
    new InvalidInputError(`returnUrl ${why}; allowed: an absolute https URL of your app`);
  if (raw.length > MAX_RETURN_URL_LENGTH) throw refuse(`is longer than ${MAX_RETURN_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse('is not an absolute URL');
  }
  if (url.username !== '' || url.password !== '') throw refuse('must not carry credentials');
  if (url.protocol === 'https:') return url.href;
  if (url.protocol === 'http:' && allowsPlainHttp(url)) return url.href;
  throw refuse(url.protocol === 'http:' ? 'is plain http' : `has the scheme ${url.protocol}`);
}

export interface ReturnOutcome {
  readonly status: 'success' | 'error';
  readonly installation: string;
  readonly integration: string;
  readonly account: string;
  readonly error?: string | undefined;
}

/** The returnUrl with the outcome added to its query (its own query and fragment kept). */
export function returnLocation(returnUrl: string, outcome: ReturnOutcome): string {
  const url = new URL(returnUrl);
  url.searchParams.set('status', outcome.status);
  url.searchParams.set('installation', outcome.installation);
  url.searchParams.set('integration', outcome.integration);
  url.searchParams.set('account', outcome.account);
  if (outcome.error !== undefined) url.searchParams.set('error', outcome.error);
  return url.href;
}
