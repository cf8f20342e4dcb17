import { assert, describe, it } from "@effect/vitest"
import { test } from "@fast-check/vitest"
import { Effect, Option } from "effect"
import fc from "fast-check"
import { PIDRateEstimator } from "../src/index.js"
import * as Arb from "./arbitraries/batches.js"
import { simulate } from "./utils/closedLoop.js"

const run = (
  params: PIDRateEstimator.PIDRateEstimatorParams,
  updates: ReadonlyArray<Parameters<typeof PIDRateEstimator.step>[1]>
) => {
  let state = PIDRateEstimator.initial(params)
  const rates: Array<Option.Option<number>> = []
  for (const u of updates) {
    const next = PIDRateEstimator.step(state, u)
    state = next.state
    rates.push(next.rate)
  }
  return { state, rates }
}

/**
 * Interleaves updates that must be skipped (no records, no processing time, or
 * the time of the update just accepted) and checks that the estimates of the
 * real updates do not change.
 */
const checkNoise = (
  params: PIDRateEstimator.PIDRateEstimatorParams,
  updates: ReadonlyArray<Parameters<typeof PIDRateEstimator.step>[1]>,
  noise: ReadonlyArray<Parameters<typeof PIDRateEstimator.step>[1]>
) => {
  const clean = run(params, updates).rates
  const noisy: Array<Parameters<typeof PIDRateEstimator.step>[1]> = []
  const real = new Set(updates)
  updates.forEach((u, i) => {
    noisy.push(u)
    const n = noise[i % Math.max(noise.length, 1)]
    if (n === undefined) return
    noisy.push({ ...n, time: u.time + 1, numElements: 0 })
    noisy.push({ ...n, time: u.time + 1, processingDelayMs: 0 })
    // times increase strictly, so a valid update was accepted: its time is now latestTime
    if (u.numElements > 0 && u.processingDelayMs > 0) noisy.push({ ...n, time: u.time })
  })
  const kept = run(params, noisy).rates.filter((_, i) => real.has(noisy[i]))
  assert.deepStrictEqual(kept, clean)
}

describe("PIDRateEstimator properties", () => {
  test.prop([Arb.params, fc.array(Arb.update, { maxLength: 80 })])(
    "the rate is never below minRate",
    (params, updates) => {
      for (const rate of run(params, updates).rates) {
        if (Option.isSome(rate)) assert.isAtLeast(rate.value, params.minRate)
      }
    }
  )

  test.prop([Arb.params, Arb.increasingUpdates])(
    "the rate is never below minRate on increasing time",
    (params, updates) => {
      for (const rate of run(params, updates).rates) {
        if (Option.isSome(rate)) assert.isAtLeast(rate.value, params.minRate)
      }
    }
  )

  test.prop([Arb.params, fc.array(Arb.update, { maxLength: 30 }), Arb.update])(
    "skipped updates change nothing",
    (params, prefix, update) => {
      const { state } = run(params, prefix)
      const skipped = update.time <= state.latestTime || update.numElements <= 0 || update.processingDelayMs <= 0
      const next = PIDRateEstimator.step(state, update)
      if (skipped) {
        assert.strictEqual(next.state, state)
        assert.isTrue(Option.isNone(next.rate))
      } else {
        assert.notStrictEqual(next.state, state)
        assert.strictEqual(next.state.latestTime, update.time)
        assert.strictEqual(Option.isSome(next.rate), !state.firstRun)
      }
    }
  )

  test.prop([Arb.params, Arb.increasingUpdates, fc.array(Arb.update, { maxLength: 10 })])(
    "inserting skipped updates does not change any estimate",
    checkNoise
  )

  it("regression cases", () => {
    // found by the property above (a test bug): noise at the time of an update that was itself skipped is not skipped
    checkNoise(
      { batchIntervalMs: 1, proportional: 0, integral: 0, derivative: 0, minRate: 5e-324 },
      [
        { time: 1, numElements: 0, processingDelayMs: 0, schedulingDelayMs: 0 },
        { time: 2, numElements: 1, processingDelayMs: 1, schedulingDelayMs: 0 }
      ],
      [{ time: 0, numElements: 1, processingDelayMs: 1, schedulingDelayMs: 0 }]
    )
  })

  it("the stateful estimator agrees with the pure step", () =>
    fc.assert(
      fc.property(Arb.params, fc.array(Arb.update, { maxLength: 40 }), (params, updates) => {
        const pid = Effect.runSync(PIDRateEstimator.make(params))
        const stateful = updates.map((u) => Effect.runSync(pid.compute(u.time, u.numElements, u.processingDelayMs, u.schedulingDelayMs)))
        assert.deepStrictEqual(stateful, run(params, updates).rates)
      })
    ))
})

describe("closed loop: a system of capacity C converges to C", () => {
  const batchIntervalMs = 1_000
  // Before the first estimate every batch takes the initial rate; at f times the
  // capacity the backlog (and the time to drain it) grows like f^2 batches.
  const horizon = (capacity: number, initialRate: number) => 500 + 10 * Math.ceil(initialRate / capacity) ** 2

  const checkConverges = (capacity: number, initialRate: number) => {
    const batches = simulate({ capacity, initialRate, batchIntervalMs, batches: horizon(capacity, initialRate) })
    const tail = batches.slice(-50)
    for (const b of tail) {
      assert.isAtMost(Math.abs(b.rate - capacity), 0.1 * capacity, `rate ${b.rate} vs capacity ${capacity}`)
    }
    // the scheduling delay stopped growing: never above where it was 50 batches before the end
    for (let i = 1; i < tail.length; i++) {
      assert.isAtMost(tail[i].schedulingDelayMs, Math.max(tail[0].schedulingDelayMs, batchIntervalMs))
    }
    assert.isAtMost(tail[tail.length - 1].schedulingDelayMs, batchIntervalMs)
  }

  test.prop([fc.integer({ min: 200, max: 100_000 }), fc.double({ min: 0.001, max: 30, noNaN: true })], {
    numRuns: 60
  })(
    "converges within 10% of C and the scheduling delay stops growing, whatever the initial rate",
    (capacity, factor) => checkConverges(capacity, Math.max(1, Math.floor(capacity * factor)))
  )

  it("regression cases", () => {
    // fixed cases at the edges: the slowest starts (10x and 30x capacity), the smallest system, tiny starts
    checkConverges(200, 2_000)
    checkConverges(1_000, 30_000)
    checkConverges(500, 15_000)
    checkConverges(100_000, 1_000_000)
    checkConverges(200, 1)
    checkConverges(1_234, 12)
  })
})
