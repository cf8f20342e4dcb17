/**
 * Stable structural hashing of keys: the same key hashes to the same 32-bit
 * integer in every process, so hash partitioning is deterministic across
 * executors (never object identity).
 *
 * Mirrors the role of `Object.hashCode` and `org.apache.spark.util.Utils.nonNegativeMod`
 * in Spark's `HashPartitioner`.
 *
 * @since 0.1.0
 */

/**
 * A key that tspark can hash, compare and partition: strings, numbers, bigints,
 * booleans, `null`/`undefined`, dates (equal when their times are, as
 * `java.util.Date`), and arrays (tuples) or plain records of them.
 *
 * @category models
 * @since 0.1.0
 */
export type Key =
  | string
  | number
  | bigint
  | boolean
  | null
  | undefined
  | Date
  | ReadonlyArray<Key>
  | { readonly [field: string]: Key }

/** Keeps a date's hash apart from that of the number of its time. */
const DATE_SEED = 0x44415445
const FNV_OFFSET = 0x811c9dc5
const FNV_PRIME = 0x01000193

const hashString = (s: string): number => {
  let h = FNV_OFFSET
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, FNV_PRIME)
  }
  return h | 0
}

const float64 = new Float64Array(1)
const float64Words = new Int32Array(float64.buffer)

const hashNumber = (n: number): number => {
  if (Number.isInteger(n) && n >= -2147483648 && n <= 2147483647) return n | 0
  if (n === 0) return 0 // -0 equals 0 structurally
  if (Number.isNaN(n)) return 0x7ff80000
  float64[0] = n
  return (float64Words[0]! ^ float64Words[1]!) | 0
}

const combine = (h: number, element: number): number => (Math.imul(h, 31) + element) | 0

/**
 * Hashes a key structurally: equal keys (including structurally equal tuples
 * and records, and `-0`/`0`) always hash equal, in every process.
 *
 * **Example**
 * ```ts
 * import { stableHash } from "@tspark/core/util/hash"
 * stableHash(["a", 1]) === stableHash(["a", 1]) // true
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const stableHash = (key: unknown): number => {
  switch (typeof key) {
    case "string":
      return hashString(key)
    case "number":
      return hashNumber(key)
    case "boolean":
      return key ? 1231 : 1237
    case "bigint":
      return key >= -2147483648n && key <= 2147483647n ? Number(key) | 0 : hashString(key.toString())
    case "undefined":
      return 0
    case "object": {
      if (key === null) return 0
      // By time, not by (no) own fields: equal dates, one partition; different dates spread.
      if (key instanceof Date) return combine(DATE_SEED, hashNumber(key.getTime()))
      if (Array.isArray(key)) {
        let h = 1
        for (let i = 0; i < key.length; i++) h = combine(h, stableHash(key[i]))
        return h
      }
      const record = key as Record<string, unknown>
      let h = 0
      // Field order must not matter: sum of per-field hashes is order-independent.
      for (const field in record) h = (h + (hashString(field) ^ stableHash(record[field]))) | 0
      return h
    }
    default:
      return hashString(String(key))
  }
}

/**
 * `x mod n` that is never negative, as Spark's `Utils.nonNegativeMod`.
 *
 * @category getters
 * @since 0.1.0
 */
export const nonNegativeMod = (x: number, n: number): number => {
  const raw = x % n
  // `-11 % 1` is -0: fold it into 0 so a partition index is never -0.
  return raw < 0 ? raw + n : raw === 0 ? 0 : raw
}
