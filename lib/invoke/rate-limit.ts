import type { RateLimiter } from '../store/ports';

/** Invokes a container reserves from the shared count at once. */
const DEFAULT_CHUNK = 5;

/**
 * The shared per-installation count (one DynamoDB write) taken a few invokes at a time: a warm
 * container spends its reservation without touching DynamoDB, so most invokes add no storage
 * round trip. The limit still holds across containers — reservations come out of the one
 * shared count — but a container's unspent reservation at the end of a minute is lost, so an
 * installation may get up to (chunk − 1) fewer invokes per busy container in that minute.
 */
export function reservingRateLimiter(shared: RateLimiter, chunk = DEFAULT_CHUNK): RateLimiter {
  const reserved = new Map<string, { window: number; left: number; exhausted?: boolean }>();
  return {
    async take(installationId, limit, now) {
      const window = Math.floor(now / 60_000);
      const held = reserved.get(installationId);
      const refused = { allowed: false, retryAfterMs: (window + 1) * 60_000 - now } as const;
      if (held !== undefined && held.window === window) {
        if (held.left > 0) {
          held.left -= 1;
          return { allowed: true };
        }
        // The shared count said no this minute: it will say no again until the next one.
        if (held.exhausted === true) return refused;
      }
      // Near the limit a full chunk may not fit; one invoke still might.
      for (const size of [...new Set([Math.min(chunk, limit), 1])]) {
        const taken = await shared.take(installationId, limit, now, size);
        if (taken.allowed) {
          reserved.set(installationId, { window, left: size - 1 });
          return taken;
        }
      }
      reserved.set(installationId, { window, left: 0, exhausted: true });
      return refused;
    },
  };
}
