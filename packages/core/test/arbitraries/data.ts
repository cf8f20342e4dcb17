import fc from "fast-check"

/** Small integers, so that duplicates and key collisions are common. */
export const smallInt = fc.integer({ min: -20, max: 20 })

/**
 * Keys of every shape the engine supports: numbers, strings, tuples and records
 * (records built with either field order, so structurally equal keys differ in layout).
 */
export const key: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: 0, max: 4 }),
  fc.constantFrom("a", "b", "c"),
  fc.tuple(fc.integer({ min: 0, max: 2 }), fc.constantFrom("x", "y")),
  fc.tuple(fc.integer({ min: 0, max: 1 }), fc.constantFrom("u", "v"), fc.boolean()).map(([p, q, flip]) => flip ? { p, q } : { q, p })
)

/** Key-value records with small integer values. */
export const pair: fc.Arbitrary<readonly [unknown, number]> = fc.tuple(key, smallInt)

export const nums = (maxLength = 30) => fc.array(smallInt, { maxLength })
export const pairs = (maxLength = 30) => fc.array(pair, { maxLength })

/** A partition count for `parallelize`. */
export const slices = fc.integer({ min: 1, max: 5 })

/** A partition count for a shuffle, or none (Spark's default). */
export const shufflePartitions = fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined })

/** A simple, engine-independent hash of a string. */
export const textHash = (s: string): number => {
  let h = 7
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) % 1_000_003
  return h
}
