/**
 * A small least-recently-used map for memoising pure results (decoded certificates, checked
 * revocation answers): bounded, so hostile input cannot grow it without limit. Internal.
 */
export class Lru<K, V> {
  readonly #map = new Map<K, V>();
  readonly #max: number;

  /** @param max - the most entries kept */
  constructor(max: number) {
    this.#max = max;
  }

  /** The value for `key`, refreshed as most recently used. */
  get(key: K): V | undefined {
    const v = this.#map.get(key);
    if (v === undefined) return undefined;
    this.#map.delete(key);
    this.#map.set(key, v);
    return v;
  }

  /** Stores `value`, evicting the least recently used entry when full. */
  set(key: K, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.#max) this.#map.delete(this.#map.keys().next().value as K);
  }

  /** The cached value, or computes, stores and returns it. */
  getOrSet(key: K, compute: () => V): V {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const v = compute();
    this.set(key, v);
    return v;
  }
}
