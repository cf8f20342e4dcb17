/**
 * A hash map whose keys compare structurally: `["a", 1]` and `["a", 1]` are the
 * same key. Primitive keys go straight into a native `Map` (the hot path of a
 * word count); composite keys are stored under a canonical encoding.
 *
 * Mirrors the role of Spark's `AppendOnlyMap` in aggregations.
 *
 * @since 0.1.0
 */

const encode = (key: unknown): string => {
  switch (typeof key) {
    case "string":
      return JSON.stringify(key)
    case "number":
      return Object.is(key, -0) ? "0" : String(key)
    case "bigint":
      return `${key}n`
    case "boolean":
      return key ? "t" : "f"
    case "undefined":
      return "u"
    case "object": {
      if (key === null) return "z"
      if (Array.isArray(key)) {
        let s = "["
        for (let i = 0; i < key.length; i++) s += (i === 0 ? "" : ",") + encode(key[i])
        return s + "]"
      }
      const record = key as Record<string, unknown>
      const fields = Object.keys(record).sort()
      let s = "{"
      for (let i = 0; i < fields.length; i++) {
        s += (i === 0 ? "" : ",") + JSON.stringify(fields[i]) + ":" + encode(record[fields[i]!])
      }
      return s + "}"
    }
    default:
      return String(key)
  }
}

const normalize = (key: unknown): unknown => (key === 0 ? 0 : key) // folds -0 into 0

/**
 * A structural-key map. Iteration yields keys as first inserted.
 *
 * **Example**
 * ```ts
 * import { KeyMap } from "@tspark/core/util/KeyMap"
 * const counts = new KeyMap<[string, number], number>()
 * counts.set(["a", 1], 1)
 * counts.get(["a", 1]) // 1
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class KeyMap<K, V> {
  private readonly primitive = new Map<unknown, V>()
  private readonly composite = new Map<string, [K, V]>()

  get size(): number {
    return this.primitive.size + this.composite.size
  }

  get(key: K): V | undefined {
    if (typeof key !== "object" || key === null) return this.primitive.get(normalize(key))
    return this.composite.get(encode(key))?.[1]
  }

  has(key: K): boolean {
    if (typeof key !== "object" || key === null) return this.primitive.has(normalize(key))
    return this.composite.has(encode(key))
  }

  set(key: K, value: V): this {
    if (typeof key !== "object" || key === null) {
      this.primitive.set(normalize(key), value)
    } else {
      const code = encode(key)
      const entry = this.composite.get(code)
      if (entry === undefined) this.composite.set(code, [key, value])
      else entry[1] = value
    }
    return this
  }

  /** Updates the value at `key` with `f(previous)`, or sets `init` when absent. */
  upsert(key: K, init: () => V, f: (previous: V) => V): void {
    if (typeof key !== "object" || key === null) {
      const k = normalize(key)
      const previous = this.primitive.get(k)
      this.primitive.set(k, previous === undefined && !this.primitive.has(k) ? init() : f(previous as V))
      return
    }
    const code = encode(key)
    const entry = this.composite.get(code)
    if (entry === undefined) this.composite.set(code, [key, init()])
    else entry[1] = f(entry[1])
  }

  delete(key: K): boolean {
    if (typeof key !== "object" || key === null) return this.primitive.delete(normalize(key))
    return this.composite.delete(encode(key))
  }

  *entries(): IterableIterator<[K, V]> {
    for (const entry of this.primitive) yield entry as [K, V]
    for (const entry of this.composite.values()) yield entry
  }

  /** Calls `f` for each entry; faster than `entries()` on hot paths. */
  forEach(f: (value: V, key: K) => void): void {
    this.primitive.forEach(f as (value: V, key: unknown) => void)
    this.composite.forEach((entry) => f(entry[1], entry[0]))
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries()
  }
}

/**
 * The canonical encoding of a key (equal keys encode equal).
 *
 * @category getters
 * @since 0.1.0
 */
export const encodeKey = (key: unknown): string => encode(key)
