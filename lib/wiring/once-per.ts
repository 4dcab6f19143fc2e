/**
 * `make`, run once per key object and remembered with it: a warm container reuses what its
 * cold start built, and a second key — another config, another runtime, as tests and the bench
 * make — gets its own instead of silently sharing the first one's.
 *
 * For wiring only — clients, adapters, the deps objects of a use case — never a copy of stored
 * state: what an installation, an account or a grant is, is read anew by every request
 * (test/invoke/revocation.integration.test.ts: a delete, a reconnect and a dead grant are seen
 * at the next invoke in every container).
 *
 * Call it as `/* @__PURE__ *\/ oncePer(…)`: the annotation (esbuild's documented one) tells
 * the bundler the call has no side effect, so a bundle that never uses the result leaves it —
 * and the adapter it would build — out (test/infra/bundle.unit.test.ts checks one).
 */
export function oncePer<K extends object, V>(make: (key: K) => V): (key: K) => V {
  const made = new WeakMap<K, V>();
  return (key) => {
    if (made.has(key)) return made.get(key) as V;
    const value = make(key);
    made.set(key, value);
    return value;
  };
}
