// A map bounded by a count of keys, dropping the least recently used first:
// the stage plans an executor keeps decoded (and the driver's record of what
// it sent each executor), and the history server's rebuilt UIs.

/** A map that keeps its `capacity` most recently used keys (a Map iterates in insertion order). */
export class BoundedLru<K, V> {
  private readonly entries = new Map<K, V>()

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`)
  }

  get size(): number {
    return this.entries.size
  }

  has(key: K): boolean {
    return this.entries.has(key)
  }

  /** The value of `key`, which becomes the most recently used. */
  get(key: K): V | undefined {
    const value = this.entries.get(key)
    if (value === undefined) return undefined
    this.entries.delete(key)
    this.entries.set(key, value)
    return value
  }

  /** The value of `key`, leaving the order of use as it is. */
  peek(key: K): V | undefined {
    return this.entries.get(key)
  }

  /** Sets `key` as the most recently used; returns the keys evicted to stay within capacity. */
  set(key: K, value: V): Array<K> {
    this.entries.delete(key)
    this.entries.set(key, value)
    const evicted: Array<K> = []
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.capacity) break
      this.entries.delete(oldest)
      evicted.push(oldest)
    }
    return evicted
  }

  delete(key: K): boolean {
    return this.entries.delete(key)
  }

  keys(): IterableIterator<K> {
    return this.entries.keys()
  }

  clear(): void {
    this.entries.clear()
  }
}
