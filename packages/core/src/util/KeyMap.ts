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
      // A date has no own fields: without this every date would be the one key "{}".
      if (key instanceof Date) return `D${key.getTime()}`
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

/** Stores `-0` as `0`, as a native `Map` does. */
const normalizeZero = <K>(key: K): K => (key === 0 ? 0 as K : key)

/** Keys a native `Map` already compares as tspark does (SameValueZero: `-0` is `0`, `NaN` is `NaN`). */
const isNative = (key: unknown): boolean => typeof key !== "object" || key === null

/**
 * A structural-key map. Iteration yields keys in the order first inserted.
 *
 * While every key is a primitive (string, number, boolean, bigint, `null`,
 * `undefined`) the entries live in one native `Map` with no encoding at all:
 * the hot path of a word count. The first composite key (array, record or date)
 * moves the entries, once, into a map keyed by each key's canonical encoding,
 * which every later call uses.
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
  /** The entries while every key is primitive; `undefined` once one is composite. */
  private primitive: Map<K, V> | undefined = new Map<K, V>()
  /** The entries by canonical encoding once a key is composite. */
  private encoded: Map<string, [K, V]> | undefined = undefined

  get size(): number {
    return this.primitive !== undefined ? this.primitive.size : this.encoded!.size
  }

  get(key: K): V | undefined {
    const primitive = this.primitive
    if (primitive !== undefined) return isNative(key) ? primitive.get(key) : undefined
    return this.encoded!.get(encode(key))?.[1]
  }

  has(key: K): boolean {
    const primitive = this.primitive
    if (primitive !== undefined) return isNative(key) && primitive.has(key)
    return this.encoded!.has(encode(key))
  }

  set(key: K, value: V): this {
    const primitive = this.primitive
    if (primitive !== undefined && isNative(key)) {
      primitive.set(key, value)
      return this
    }
    const encoded = this.encoded ?? this.switchToEncoded()
    const code = encode(key)
    const entry = encoded.get(code)
    if (entry === undefined) encoded.set(code, [normalizeZero(key), value])
    else entry[1] = value
    return this
  }

  /** Updates the value at `key` with `f(previous)`, or sets `init` when absent. */
  upsert(key: K, init: () => V, f: (previous: V) => V): void {
    const primitive = this.primitive
    if (primitive !== undefined && isNative(key)) {
      const previous = primitive.get(key)
      primitive.set(key, previous === undefined && !primitive.has(key) ? init() : f(previous as V))
      return
    }
    const encoded = this.encoded ?? this.switchToEncoded()
    const code = encode(key)
    const entry = encoded.get(code)
    if (entry === undefined) encoded.set(code, [normalizeZero(key), init()])
    else entry[1] = f(entry[1])
  }

  /**
   * Folds `value` into the entry at `key`: `create(value)` when absent, else
   * `merge(previous, value)`. One lookup when the key is present (and a second,
   * `has`, only when the stored value is `undefined`), and no closure per
   * call: the inner loop of combining by key.
   */
  combine<A>(key: K, value: A, create: (value: A) => V, merge: (previous: V, value: A) => V): void {
    const primitive = this.primitive
    if (primitive !== undefined && isNative(key)) {
      const previous = primitive.get(key)
      primitive.set(key, previous === undefined && !primitive.has(key) ? create(value) : merge(previous as V, value))
      return
    }
    const encoded = this.encoded ?? this.switchToEncoded()
    const code = encode(key)
    const entry = encoded.get(code)
    if (entry === undefined) encoded.set(code, [normalizeZero(key), create(value)])
    else entry[1] = merge(entry[1], value)
  }

  delete(key: K): boolean {
    const primitive = this.primitive
    if (primitive !== undefined) return isNative(key) && primitive.delete(key)
    return this.encoded!.delete(encode(key))
  }

  *entries(): IterableIterator<[K, V]> {
    if (this.primitive !== undefined) yield* this.primitive
    else for (const entry of this.encoded!.values()) yield [entry[0], entry[1]]
  }

  /** Calls `f` for each entry; faster than `entries()` on hot paths. */
  forEach(f: (value: V, key: K) => void): void {
    if (this.primitive !== undefined) this.primitive.forEach(f)
    else this.encoded!.forEach((entry) => f(entry[1], entry[0]))
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries()
  }

  /** Moves every entry, in order, under its encoding: done once, at the first composite key. */
  private switchToEncoded(): Map<string, [K, V]> {
    const encoded = new Map<string, [K, V]>()
    this.primitive!.forEach((value, key) => encoded.set(encode(key), [key, value]))
    this.primitive = undefined
    this.encoded = encoded
    return encoded
  }
}

/**
 * The canonical encoding of a key (equal keys encode equal).
 *
 * @category getters
 * @since 0.1.0
 */
export const encodeKey = (key: unknown): string => encode(key)
