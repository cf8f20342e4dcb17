/**
 * The allocation client seam: every call checks its arguments before the
 * backend sees them, `killExecutor` is `killExecutors` with Spark's default
 * options, the in-process backend's client refuses every call with a clear
 * error, and the simulated cluster does what it is asked.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as ExecutorAllocationClient from "../../src/scheduler/ExecutorAllocationClient.js"

describe("ExecutorAllocationClient", () => {
  it.effect("make checks counts and ids before the backend sees them", () =>
    Effect.gen(function*() {
      const { client } = ExecutorAllocationClient.simulated(1)
      const negative = yield* Effect.flip(client.requestTotalExecutors(-1))
      assert.strictEqual(negative._tag, "ExecutorAllocationRequestError")
      assert.match(negative.message, /numExecutors must be an integer >= 0, got -1/)
      const fraction = yield* Effect.flip(client.requestExecutors(1.5))
      assert.match(fraction.message, /numAdditionalExecutors must be an integer >= 0, got 1.5/)
      const badHost = yield* Effect.flip(client.requestTotalExecutors(1, 0, new Map([["h", -2]])))
      assert.match(badHost.message, /hostToLocalTaskCount/)
      const emptyId = yield* Effect.flip(client.killExecutors(["1", ""]))
      assert.match(emptyId.message, /executor ids must be non-empty strings, got ""/)
    }))

  it.effect("killExecutor kills one executor with Spark's defaults: the target is lowered, a busy executor stays", () =>
    Effect.gen(function*() {
      const cluster = ExecutorAllocationClient.simulated(3)
      cluster.setBusy("2", true)
      assert.isFalse(yield* cluster.client.killExecutor("2"))
      assert.isTrue(yield* cluster.client.killExecutor("3"))
      assert.isFalse(yield* cluster.client.killExecutor("9"))
      assert.deepStrictEqual(cluster.executorIds(), ["1", "2"])
      assert.strictEqual(cluster.target(), 2)
      assert.deepStrictEqual(yield* cluster.client.killExecutors(["2"], { force: true, adjustTargetNumExecutors: false }), ["2"])
      assert.strictEqual(cluster.target(), 2)
      assert.deepStrictEqual(cluster.calls().at(-1), {
        _tag: "KillExecutors",
        executorIds: ["2"],
        options: { adjustTargetNumExecutors: false, countFailures: false, force: true },
        killed: ["2"]
      })
    }))

  it.effect("the simulated cluster starts executors up to the requested total", () =>
    Effect.gen(function*() {
      const cluster = ExecutorAllocationClient.simulated(1)
      assert.isTrue(yield* cluster.client.requestTotalExecutors(3))
      assert.isTrue(yield* cluster.client.requestExecutors(1))
      assert.deepStrictEqual(yield* cluster.client.getExecutorIds, ["1", "2", "3", "4"])
      assert.isTrue(yield* cluster.client.isExecutorActive("4"))
      // A lower total kills nothing (Spark's contract).
      yield* cluster.client.requestTotalExecutors(1)
      assert.strictEqual(cluster.executorIds().length, 4)
    }))

  it.effect("the simulated cluster decommissions: an idle executor stops at once, a busy one once it is idle", () =>
    Effect.gen(function*() {
      const cluster = ExecutorAllocationClient.simulated(3)
      cluster.setBusy("2", true)
      assert.deepStrictEqual(yield* cluster.client.decommissionExecutors(["2", "3", "9"]), ["2", "3"])
      assert.strictEqual(cluster.target(), 1)
      // Leaving: no longer active, but alive until its tasks end.
      assert.deepStrictEqual(yield* cluster.client.getExecutorIds, ["1"])
      assert.deepStrictEqual(cluster.executorIds(), ["1", "2"])
      assert.deepStrictEqual(yield* cluster.client.decommissionExecutors(["2"]), [], "already leaving")
      cluster.setBusy("2", false)
      assert.deepStrictEqual(cluster.executorIds(), ["1"])
      const emptyId = yield* Effect.flip(cluster.client.decommissionExecutors([""]))
      assert.strictEqual(emptyId._tag, "ExecutorAllocationRequestError")
    }))

  it.effect("the in-process backend's client refuses every call, saying what to change", () =>
    Effect.gen(function*() {
      const client = ExecutorAllocationClient.unsupported("local[4]")
      const calls: ReadonlyArray<Effect.Effect<unknown, ExecutorAllocationClient.ExecutorAllocationError>> = [
        client.getExecutorIds,
        client.requestTotalExecutors(2),
        client.requestExecutors(1),
        client.killExecutor("1"),
        client.decommissionExecutors(["1"])
      ]
      for (const call of calls) {
        const error = yield* Effect.flip(call)
        assert.strictEqual(error._tag, "DynamicAllocationUnsupportedError")
        assert.match(error.message, /local\[4\].*spark\.dynamicAllocation\.enabled.*local-cluster/)
      }
      const byHand = yield* Effect.flip(
        ExecutorAllocationClient.unsupported("tcp://0.0.0.0:7077", "waits for executors started by hand").getExecutorIds
      )
      assert.match(
        byHand.message,
        /^The tcp:\/\/0\.0\.0\.0:7077 backend waits for executors started by hand and cannot start or stop executors/
      )
    }))
})
