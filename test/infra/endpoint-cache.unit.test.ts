/**
 * infra/endpoint-cache.mjs replaces @aws-sdk/endpoint-cache in the bundles (esbuild `alias`):
 * it must be the same class — the same methods, the same answers — without the package's LRU.
 * The day the SDK's class gains or loses a method, or answers differently, this fails.
 */
import { EndpointCache as Sdk } from '@aws-sdk/endpoint-cache';
import { EndpointCache as Ours } from '../../infra/endpoint-cache.mjs';

const methods = (type: { prototype: object }) =>
  Object.getOwnPropertyNames(type.prototype)
    .filter((name) => name !== 'constructor')
    .sort();

describe('the bundled endpoint cache', () => {
  it('has exactly the methods of the SDK’s EndpointCache', () => {
    expect(methods(Ours)).toEqual(methods(Sdk));
  });

  it('answers as the SDK’s does: nothing until set, endpoints until they expire, nothing after delete', () => {
    const now = Date.now();
    const spy = jest.spyOn(Date, 'now').mockReturnValue(now);
    try {
      const caches = [new Sdk(10), new Ours(10)];
      const run = (cache: InstanceType<typeof Sdk>) => {
        const seen: unknown[] = [cache.getEndpoint('k'), cache.has('k'), cache.get('k')];
        cache.set('k', [{ Address: 'a.example', CachePeriodInMinutes: 1 }]);
        seen.push(cache.getEndpoint('k'), cache.has('k'), cache.get('k'));
        spy.mockReturnValue(now + 61_000);
        seen.push(cache.getEndpoint('k'), cache.has('k'));
        spy.mockReturnValue(now);
        cache.set('k', [{ Address: 'b.example', CachePeriodInMinutes: 5 }]);
        cache.delete('k');
        seen.push(cache.has('k'), cache.getEndpoint('k'));
        cache.set('j', [{ Address: 'c.example', CachePeriodInMinutes: 5 }]);
        cache.clear();
        seen.push(cache.has('j'));
        return seen;
      };
      const [sdk, ours] = caches.map((cache) => run(cache as InstanceType<typeof Sdk>));
      expect(ours).toEqual(sdk);
      expect(sdk?.[3]).toBe('a.example');
    } finally {
      spy.mockRestore();
    }
  });
});
