import fc from "fast-check"

/** Keys of every supported shape, nested, with bigints and records. */
export const anyKey: fc.Arbitrary<unknown> = fc.letrec<{ key: unknown }>((tie) => ({
  key: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.string({ maxLength: 6 }),
    fc.integer(),
    fc.double({ noNaN: true }),
    fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
    fc.boolean(),
    fc.array(tie("key"), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom("a", "b", "c", "d"), tie("key"), { maxKeys: 3 })
  )
})).key

/** The same record with its fields inserted in reverse order (structurally equal). */
export const reorder = (key: unknown): unknown => {
  if (Array.isArray(key)) return key.map(reorder)
  if (typeof key === "object" && key !== null) {
    const out: Record<string, unknown> = {}
    for (const field of Object.keys(key).reverse()) out[field] = reorder((key as Record<string, unknown>)[field])
    return out
  }
  return key
}

/** JSON text of a key, bigints as {"$bigint": "..."}. */
export const toJson = (key: unknown): string => JSON.stringify(key, (_k, v) => (typeof v === "bigint" ? { $bigint: v.toString() } : v))
