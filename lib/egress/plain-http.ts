import { parseIp } from './address';
import { allowsAddress, allowsName, type EgressAllowList, normalizeName } from './allow-list';

/**
 * Whether the allow list lifts the https-only rule for this URL's destination — by name and
 * port, or for a literal IP by range. Used for URLs the browser, not Handshake, will visit
 * (a connect link's returnUrl), so the same list governs both.
 */
export function allowsPlainHttp(allow: EgressAllowList, url: URL): boolean {
  const host = normalizeName(url.hostname.replace(/^\[(.*)\]$/, '$1'));
  const port = url.port === '' ? 80 : Number(url.port);
  const address = parseIp(host);
  return address === undefined ? allowsName(allow, host, port) : allowsAddress(allow, address, port);
}
