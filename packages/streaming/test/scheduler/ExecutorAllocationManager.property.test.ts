/**
 * Streaming dynamic allocation over random load curves (the processing
 * times of the batches of each scaling interval) and random settings,
 * against a model of counters: every round's decision is the one the ratios
 * call for (Spark's formula for the total requested, one kill among the
 * executors without a receiver), the executor count stays within
 * [minExecutors, maxExecutors], and an executor running a receiver is never
 * killed.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import fc from "fast-check"
import { checkProperty } from "../utils/streaming.js"
import { batch, harness } from "../utils/executorAllocation.js"

const scenario = fc
  .record({
    minExecutors: fc.integer({ min: 1, max: 4 }),
    extra: fc.integer({ min: 0, max: 6 }),
    startAbove: fc.nat({ max: 6 }),
    up: fc.integer({ min: 50, max: 150 }),
    downBelow: fc.integer({ min: 5, max: 45 }),
    receivers: fc.nat({ max: 3 }),
    intervals: fc.array(fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 8 }), { maxLength: 25 })
  })
  .map((s) => ({
    ...s,
    maxExecutors: s.minExecutors + s.extra,
    initial: s.minExecutors + Math.min(s.startAbove, s.extra),
    scalingUpRatio: s.up / 100,
    scalingDownRatio: Math.max(0.01, (s.up - s.downBelow) / 100 - 0.2)
  }))

describe("ExecutorAllocationManager (streaming), property", () => {
  it.effect("every decision follows the ratios and the executor count stays within bounds", () =>
    checkProperty(scenario, (s) =>
      Effect.gen(function*() {
        const receiverExecutors = Array.from({ length: Math.min(s.receivers, s.initial) }, (_, i) => String(i + 1))
        const h = yield* harness(
          {
            "spark.streaming.dynamicAllocation.minExecutors": s.minExecutors,
            "spark.streaming.dynamicAllocation.maxExecutors": s.maxExecutors,
            "spark.streaming.dynamicAllocation.scalingUpRatio": s.scalingUpRatio,
            "spark.streaming.dynamicAllocation.scalingDownRatio": s.scalingDownRatio
          },
          s.initial,
          receiverExecutors
        )
        let executors = s.initial
        for (const times of s.intervals) {
          const removable = h.cluster.executorIds().filter((id) => !receiverExecutors.includes(id))
          for (const t of times) h.manager.listener.onBatchCompleted!(batch(t))
          const decision = yield* h.manager.manageAllocation
          if (times.length === 0) {
            assert.isUndefined(decision)
            continue
          }
          const ratio = Math.floor(times.reduce((a, b) => a + b, 0) / times.length) / 1000
          assert.strictEqual(decision!.ratio, ratio)
          if (ratio >= s.scalingUpRatio) {
            const total = Math.max(Math.min(s.maxExecutors, executors + Math.max(Math.round(ratio), 1)), s.minExecutors)
            assert.strictEqual(decision!.action, "RequestExecutors")
            assert.strictEqual(decision!.requestedTotal, total)
            executors = total
          } else if (ratio <= s.scalingDownRatio && executors > s.minExecutors && removable.length > 0) {
            assert.strictEqual(decision!.action, "KillExecutor")
            assert.include(removable, decision!.executorId)
            executors -= 1
          } else {
            assert.strictEqual(decision!.action, "NoChange")
          }
          assert.strictEqual(h.cluster.executorIds().length, executors)
          assert.isAtLeast(executors, s.minExecutors)
          assert.isAtMost(executors, s.maxExecutors)
          for (const id of receiverExecutors) assert.include(h.cluster.executorIds(), id)
        }
      }), { numRuns: 200 }))
})
