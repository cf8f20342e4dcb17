/**
 * The default total order of keys, used by `sortByKey`, `sortBy`, `top`,
 * `takeOrdered` and the `RangePartitioner`.
 *
 * Mirrors Scala's implicit `Ordering[K]` for primitive and tuple keys.
 *
 * @since 0.1.0
 */

/**
 * A comparator: negative when `a < b`, zero when equal, positive when `a > b`.
 *
 * @category models
 * @since 0.1.0
 */
export type Ordering<A> = (a: A, b: A) => number

const typeRank = (x: unknown): number => {
  switch (typeof x) {
    case "undefined":
      return 0
    case "object":
      return x === null ? 1 : Array.isArray(x) ? 6 : 7
    case "boolean":
      return 2
    case "number":
    case "bigint":
      return 3
    case "string":
      return 4
    default:
      return 8
  }
}

/**
 * Compares two keys structurally. Numbers and bigints compare numerically,
 * strings by UTF-16 code units, booleans `false < true`, arrays (tuples)
 * lexicographically, records by their sorted fields. Values of different kinds
 * are ordered by kind, so any two keys compare.
 *
 * **Example**
 * ```ts
 * import { compareKeys } from "@tspark/core/util/Ordering"
 * [[2, "b"], [1, "z"], [2, "a"]].sort(compareKeys) // [[1,"z"],[2,"a"],[2,"b"]]
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const compareKeys: Ordering<unknown> = (a, b) => {
  if (a === b) return 0
  const ta = typeof a
  if (ta === typeof b) {
    if (ta === "number") {
      const x = a as number
      const y = b as number
      if (x < y) return -1
      if (x > y) return 1
      if (x === y) return 0
      return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1
    }
    if (ta === "string" || ta === "bigint") return (a as string) < (b as string) ? -1 : 1
    if (ta === "boolean") return a ? 1 : -1
  }
  const ra = typeRank(a)
  const rb = typeRank(b)
  if (ra !== rb) return ra - rb
  if (ra === 3) {
    const x = a as number | bigint
    const y = b as number | bigint
    // 1 and 1n are different keys (as in KeyMap): equal values order number first.
    return x < y ? -1 : x > y ? 1 : typeof x === "number" ? -1 : 1
  }
  if (ra === 6) {
    const xs = a as ReadonlyArray<unknown>
    const ys = b as ReadonlyArray<unknown>
    const n = Math.min(xs.length, ys.length)
    for (let i = 0; i < n; i++) {
      const c = compareKeys(xs[i], ys[i])
      if (c !== 0) return c
    }
    return xs.length - ys.length
  }
  if (ra === 7) {
    const xs = a as Record<string, unknown>
    const ys = b as Record<string, unknown>
    const fields = Object.keys(xs).sort()
    const otherFields = Object.keys(ys).sort()
    const byFields = compareKeys(fields, otherFields)
    if (byFields !== 0) return byFields
    for (const field of fields) {
      const c = compareKeys(xs[field], ys[field])
      if (c !== 0) return c
    }
    return 0
  }
  return 0
}

/**
 * Reverses an ordering.
 *
 * @category combinators
 * @since 0.1.0
 */
export const reverse = <A>(ordering: Ordering<A>): Ordering<A> => (a, b) => ordering(b, a)
