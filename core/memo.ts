// Values derived from a Topology, computed once and held weakly: they go when the topology goes, so a
// sweep that releases a batch releases its lookup tables too. A module-level `const x = perTopology(...)`
// is a call that a bundler must keep unless it is marked `/* @__PURE__ */`: marked, a Lambda bundle that
// never uses x drops it and the module behind it.
import type { Topology } from './model';

/** `build(topology)`, computed once per topology. */
export function perTopology<T>(build: (topology: Topology) => T): (topology: Topology) => T {
  const cache = new WeakMap<Topology, T>();
  return (topology) => {
    if (cache.has(topology)) return cache.get(topology) as T;
    const value = build(topology);
    cache.set(topology, value);
    return value;
  };
}

/** `build(topology, key)`, computed once per topology and key. */
export function perTopologyAndKey<K, T>(
  build: (topology: Topology, key: K) => T,
): (topology: Topology, key: K) => T {
  const caches = perTopology(() => new Map<K, T>());
  return (topology, key) => {
    const cache = caches(topology);
    if (cache.has(key)) return cache.get(key) as T;
    const value = build(topology, key);
    cache.set(key, value);
    return value;
  };
}
