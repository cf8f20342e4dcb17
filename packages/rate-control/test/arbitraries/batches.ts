import fc from "fast-check"
import type { PIDRateEstimator, RateEstimator } from "../../src/index.js"

/** Valid estimator parameters (gains >= 0, minRate > 0). */
export const params: fc.Arbitrary<PIDRateEstimator.PIDRateEstimatorParams> = fc.record({
  batchIntervalMs: fc.integer({ min: 1, max: 60_000 }),
  proportional: fc.double({ min: 0, max: 5, noNaN: true }),
  integral: fc.double({ min: 0, max: 5, noNaN: true }),
  derivative: fc.double({ min: 0, max: 5, noNaN: true }),
  minRate: fc.double({ min: Number.MIN_VALUE, max: 10_000, noNaN: true })
})

/** Batch updates, valid and not (zero counts, zero delays, repeated times, negative numbers). */
export const update: fc.Arbitrary<RateEstimator.BatchUpdate> = fc.record({
  time: fc.integer({ min: -10, max: 1_000_000 }),
  numElements: fc.oneof(fc.constant(0), fc.integer({ min: -5, max: 1_000_000 })),
  processingDelayMs: fc.oneof(fc.constant(0), fc.integer({ min: -5, max: 100_000 })),
  schedulingDelayMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 100_000 }))
})

/** A series of updates with increasing times. */
export const increasingUpdates: fc.Arbitrary<ReadonlyArray<RateEstimator.BatchUpdate>> = fc.array(
  fc.record({
    gap: fc.integer({ min: 1, max: 10_000 }),
    numElements: fc.integer({ min: 0, max: 1_000_000 }),
    processingDelayMs: fc.integer({ min: 0, max: 100_000 }),
    schedulingDelayMs: fc.integer({ min: 0, max: 100_000 })
  }),
  { minLength: 1, maxLength: 60 }
).map((rows) => {
  let time = 0
  return rows.map(({ gap, ...rest }) => {
    time += gap
    return { time, ...rest }
  })
})
