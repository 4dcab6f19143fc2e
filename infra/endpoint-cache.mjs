// @ts-check
// Bundled in place of @aws-sdk/endpoint-cache (see esbuild.config.cjs `alias`): the DynamoDB
// client's endpoint-discovery cache. Discovery is off for DynamoDB unless a client turns it on
// (Handshake never does), so the cache only ever answers "no endpoint"; the package's LRU
// (mnemonist and obliterator) was ~7 KB of every bundle. Same class, same methods, same answers,
// over a Map: test/infra/endpoint-cache.unit.test.ts compares it with the package's own.

/** @typedef {{ Address: string, Expires: number }} EndpointWithExpiry */

export class EndpointCache {
  /** @param {number} _capacity bounded by the package's LRU; a Map here (discovery is off) */
  constructor(_capacity) {
    /** @type {Map<string, EndpointWithExpiry[]>} */
    this.cache = new Map();
  }

  /** @param {string} key */
  getEndpoint(key) {
    const endpoints = this.get(key);
    if (!endpoints || endpoints.length === 0) return undefined;
    return endpoints[Math.floor(Math.random() * endpoints.length)]?.Address;
  }

  /** @param {string} key */
  get(key) {
    if (!this.has(key)) return undefined;
    const now = Date.now();
    const live = (this.cache.get(key) ?? []).filter((endpoint) => now < endpoint.Expires);
    if (live.length === 0) {
      this.delete(key);
      return undefined;
    }
    return live;
  }

  /**
   * @param {string} key
   * @param {{ Address?: string, CachePeriodInMinutes?: number }[]} endpoints
   */
  set(key, endpoints) {
    const now = Date.now();
    this.cache.set(
      key,
      endpoints.map(({ Address, CachePeriodInMinutes }) => ({
        Address: Address ?? '',
        Expires: now + (CachePeriodInMinutes ?? 0) * 60 * 1000,
      })),
    );
  }

  /** @param {string} key */
  delete(key) {
    this.cache.set(key, []);
  }

  /** @param {string} key */
  has(key) {
    return (this.cache.get(key)?.length ?? 0) > 0;
  }

  clear() {
    this.cache.clear();
  }
}
