import fc from "fast-check"

/** A batch duration in ms. */
export const batchDurationMs = fc.constantFrom(100, 250, 1000)

/**
 * Clock moves, in units of a batch duration times 1/4: from 0 up to several
 * intervals at once (jumps), and not aligned to batch boundaries.
 */
export const clockSteps = fc.array(fc.integer({ min: 0, max: 24 }), { minLength: 1, maxLength: 12 })

/** Input batches of small ints. */
export const intBatches = (maxBatches = 8) =>
  fc.array(fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 5 }), { minLength: 1, maxLength: maxBatches })

/** Input batches of (key, value) pairs with a few keys, so that keys repeat across batches. */
export const pairBatches = (maxBatches = 10) =>
  fc.array(
    fc.array(fc.tuple(fc.constantFrom("a", "b", "c", "d"), fc.integer({ min: 1, max: 9 })), { maxLength: 5 }),
    { minLength: 1, maxLength: maxBatches }
  )

/** A window and a slide as multiples of the batch duration (in batches). */
export const windowSpec = fc.record({
  windowBatches: fc.integer({ min: 1, max: 5 }),
  slideBatches: fc.integer({ min: 1, max: 4 })
})
