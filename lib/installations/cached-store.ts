import type { InstallationRecord, InstallationStore } from '../store/ports';

/**
 * Installation records kept in this container's memory for a few seconds, so the invoke hot
 * path (authentication and iparams) does not read DynamoDB on every call. The price: another
 * container's delete is seen here up to `ttlMs` later.
 */
export function cachedInstallations(
  store: InstallationStore,
  ttlMs: number,
  now: () => number,
): InstallationStore {
  const cache = new Map<string, { record: InstallationRecord; until: number }>();
  return {
    async get(id) {
      const hit = cache.get(id);
      if (hit !== undefined && hit.until > now()) return hit.record;
      const record = await store.get(id);
      if (record === undefined) cache.delete(id);
      else cache.set(id, { record, until: now() + ttlMs });
      return record;
    },
    create: (record) => store.create(record),
    async delete(id) {
      cache.delete(id);
      return store.delete(id);
    },
  };
}
