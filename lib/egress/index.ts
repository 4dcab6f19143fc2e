export { addressRange, PUBLIC_RANGE, parseIp } from './address';
export { type EgressAllowList, parseAllowList } from './allow-list';
export {
  createEgress,
  type Egress,
  type EgressMethod,
  type EgressOptions,
  type EgressRequest,
  type EgressResponse,
} from './egress';
export { EgressError, type EgressErrorKind } from './errors';
export type { TlsMaterial } from './exchange';
export { HOST_VALUE_RULE, hostShapeProblem, hostValueProblem } from './host';
export { DNS_TIMEOUT_MS, type DnsLookup, type ResolvedAddress } from './lookup';
export { allowsPlainHttp } from './plain-http';
