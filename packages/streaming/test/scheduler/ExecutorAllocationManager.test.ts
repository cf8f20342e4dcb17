/**
 * Streaming dynamic allocation on the test clock against a simulated
 * cluster (ExecutorAllocationManagerSuite's cases): the decision for each
 * ratio, the request and kill policies, a load that rises (executors up to the
 * maximum, the scheduling delay stops growing) and falls (executors down to
 * the minimum, never one running a receiver), the decision events, the
 * validation of every setting, and enabling together with core's.
 */
import { assert, describe, it } from "@effect/vitest"
import { ExecutorAllocationClient, SparkConf } from "@tspark/core"
import { Effect, Logger } from "effect"
import { TestClock } from "effect/testing"
import * as internal from "../../src/internal/executorAllocation.js"
import * as ExecutorAllocationManager from "../../src/scheduler/ExecutorAllocationManager.js"
import * as StreamingListenerBus from "../../src/scheduler/StreamingListenerBus.js"
import type { ExecutorAllocationDecision } from "../../src/scheduler/StreamingListener.js"
import { BATCH_MS, batch, type Entries, harness } from "../utils/executorAllocation.js"

const oneRound = (entries: Entries, processingTimes: ReadonlyArray<number>, executors = 2, receiverExecutors = ["1"]) =>
  Effect.gen(function*() {
    const h = yield* harness(entries, executors, receiverExecutors)
    for (const t of processingTimes) h.manager.listener.onBatchCompleted!(batch(t))
    const decision = yield* h.manager.manageAllocation
    return { decision: decision!, cluster: h.cluster }
  })

describe("ExecutorAllocationManager (streaming)", () => {
  it.effect("basic functionality: each ratio's decision (Spark's table)", () =>
    Effect.gen(function*() {
      const rows: ReadonlyArray<readonly [number, ExecutorAllocationDecision["action"], number | string | undefined]> = [
        [BATCH_MS, "RequestExecutors", 3], // ratio 1: one more
        [BATCH_MS * 2, "RequestExecutors", 4], // ratio 2: two more
        [BATCH_MS * 0.9 + 1, "RequestExecutors", 3], // just above the up ratio: one more
        [BATCH_MS * 0.9, "RequestExecutors", 3], // the up ratio itself scales up
        [BATCH_MS * 0.9 - 1, "NoChange", undefined],
        [BATCH_MS * 0.3 + 1, "NoChange", undefined],
        [BATCH_MS * 0.3, "KillExecutor", "2"], // the down ratio itself scales down
        [BATCH_MS * 0.3 - 1, "KillExecutor", "2"] // executor 1 runs the receiver
      ]
      for (const [time, action, detail] of rows) {
        const { cluster, decision } = yield* oneRound({}, [time])
        assert.strictEqual(decision.action, action, `processing time ${time}`)
        if (action === "RequestExecutors") assert.strictEqual(decision.requestedTotal, detail)
        if (action === "KillExecutor") assert.strictEqual(decision.executorId, detail)
        const kinds = cluster.calls().map((call) => call._tag)
        assert.deepStrictEqual(
          kinds,
          action === "RequestExecutors" ? ["RequestTotalExecutors"] : action === "KillExecutor" ? ["KillExecutors"] : []
        )
      }
    }))

  it.effect("the average is over the batches since the last round; failed batches are left out", () =>
    Effect.gen(function*() {
      const h = yield* harness({}, 2, ["1"])
      h.manager.listener.onBatchCompleted!(batch(500))
      h.manager.listener.onBatchCompleted!(batch(1500))
      h.manager.listener.onBatchCompleted!(batch(90_000, true))
      const first = (yield* h.manager.manageAllocation)!
      assert.strictEqual(first.numBatches, 2)
      assert.strictEqual(first.averageProcessingTimeMs, 1000)
      // Nothing since: no decision, nothing posted.
      assert.isUndefined(yield* h.manager.manageAllocation)
      assert.strictEqual(h.decisions().length, 1)
    }))

  it.effect("each decision reaches listeners, the core's bus and the event log's JSON, and back", () =>
    Effect.gen(function*() {
      const { decision } = yield* oneRound({}, [2500])
      const forwarded: Array<unknown> = []
      StreamingListenerBus.forwarding((e) => forwarded.push(e), BATCH_MS).onExecutorAllocationDecision!(decision)
      assert.strictEqual(forwarded.length, 1)
      const wrapped = StreamingListenerBus.wrap({ _tag: "ExecutorAllocationDecision", decision }, BATCH_MS)
      assert.strictEqual(wrapped._tag, "OtherEvent")
      const back = StreamingListenerBus.unwrap(JSON.parse(JSON.stringify(wrapped)))
      assert.deepStrictEqual(back, { event: { _tag: "ExecutorAllocationDecision", decision } })
      const bad = JSON.parse(JSON.stringify(wrapped))
      bad.event.decision.action = "Shrink"
      assert.deepStrictEqual(StreamingListenerBus.unwrap(bad), {
        error: "payload.decision.action: expected RequestExecutors | KillExecutor | NoChange, got string"
      })
    }))

  it("requestExecutors policy (Spark's table)", () => {
    const settings = (entries: Entries, numReceivers: number) =>
      internal.readSettings(SparkConf.make(entries), numReceivers) as internal.StreamingAllocationSettings
    const table: ReadonlyArray<readonly [Entries, number, ReadonlyArray<readonly [number, number, number]>]> = [
      [{}, 1, [[0, 1, 1], [1, 1, 2], [2, 2, 4]]],
      [{}, 2, [[0, 1, 2], [1, 1, 2], [2, 2, 4]]],
      [{ "spark.streaming.dynamicAllocation.minExecutors": 2 }, 1, [[0, 1, 2], [0, 3, 3], [1, 1, 2], [1, 2, 3], [2, 1, 3], [2, 2, 4]]],
      [{ "spark.streaming.dynamicAllocation.maxExecutors": 2 }, 1, [[0, 1, 1], [0, 3, 2], [1, 2, 2], [2, 1, 2], [2, 2, 2]]]
    ]
    for (const [entries, numReceivers, rows] of table) {
      for (const [numExecs, numNew, expected] of rows) {
        assert.strictEqual(
          internal.targetTotal(settings(entries, numReceivers), numExecs, numNew),
          expected,
          JSON.stringify([entries, numExecs, numNew])
        )
      }
    }
  })

  it("killExecutor policy (Spark's table): never below the minimum, never an executor running a receiver", () => {
    const low = 0.1
    const cases: ReadonlyArray<readonly [Entries, ReadonlyArray<string>, ReadonlyArray<string>, ReadonlyArray<string> | undefined]> = [
      [{}, [], [], undefined],
      [{}, ["1", "2"], [], ["1", "2"]],
      [{}, ["1"], ["1"], undefined],
      [{}, ["1", "2"], ["1"], ["2"]],
      [{}, ["1", "2"], ["1", "2"], undefined],
      [{ "spark.streaming.dynamicAllocation.minExecutors": 2 }, ["1", "2"], [], undefined],
      [{ "spark.streaming.dynamicAllocation.minExecutors": 2 }, ["1", "2", "3"], ["1", "2"], ["3"]]
    ]
    for (const [entries, executors, withReceivers, removable] of cases) {
      const settings = internal.readSettings(SparkConf.make(entries), 1) as internal.StreamingAllocationSettings
      const plan = internal.plan(settings, low, executors, withReceivers)
      assert.deepStrictEqual(
        plan._tag === "Kill" ? plan.removable : undefined,
        removable,
        JSON.stringify([entries, executors, withReceivers])
      )
    }
  })

  it.effect("a rising load gains executors up to the maximum, then stops, and the scheduling delay stops growing", () =>
    Effect.scoped(Effect.gen(function*() {
      const h = yield* harness(
        {
          "spark.streaming.dynamicAllocation.scalingInterval": "10s",
          "spark.streaming.dynamicAllocation.maxExecutors": 4
        },
        1,
        ["1"]
      )
      yield* h.manager.start
      // Each batch needs 3.5 executor-seconds of work: on n executors it takes 3500 / n ms.
      let schedulingDelay = 0
      const delays: Array<number> = []
      for (let second = 0; second < 60; second++) {
        const processing = Math.ceil(3500 / h.cluster.executorIds().length)
        schedulingDelay = Math.max(0, schedulingDelay + processing - BATCH_MS)
        delays.push(schedulingDelay)
        h.manager.listener.onBatchCompleted!(batch(processing))
        yield* TestClock.adjust("1 second")
      }
      // Ratio 3.5 asks for 4 more: capped at 4; then 875 ms per batch, ratio 0.875: no change.
      assert.deepStrictEqual(h.decisions().map((d) => [d.action, d.requestedTotal]), [
        ["RequestExecutors", 4],
        ["NoChange", undefined],
        ["NoChange", undefined],
        ["NoChange", undefined],
        ["NoChange", undefined],
        ["NoChange", undefined]
      ])
      assert.strictEqual(h.cluster.executorIds().length, 4)
      // Before the first round (at 10s) the delay grows by 2.5s a batch; from then on it shrinks by 125 ms a batch.
      assert.strictEqual(delays[9], 25_000)
      const afterScaling = delays.slice(10)
      assert.isTrue(afterScaling.every((d, i) => i === 0 || d === afterScaling[i - 1]! - 125))
    })))

  it.effect("a rising load asks again at the maximum without exceeding it", () =>
    Effect.scoped(Effect.gen(function*() {
      const h = yield* harness({ "spark.streaming.dynamicAllocation.maxExecutors": 3 }, 1, [])
      yield* h.manager.start
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < 60; i++) h.manager.listener.onBatchCompleted!(batch(5000))
        yield* TestClock.adjust("60 seconds")
      }
      assert.deepStrictEqual(h.decisions().map((d) => d.requestedTotal), [3, 3, 3])
      assert.deepStrictEqual(h.cluster.executorIds(), ["1", "2", "3"])
    })))

  it.effect("a falling load removes one executor per interval down to the minimum, never one running a receiver", () =>
    Effect.scoped(Effect.gen(function*() {
      const h = yield* harness({ "spark.streaming.dynamicAllocation.minExecutors": 1 }, 6, ["2", "5"])
      yield* h.manager.start
      for (let round = 0; round < 6; round++) {
        h.manager.listener.onBatchCompleted!(batch(100))
        yield* TestClock.adjust("60 seconds")
        assert.strictEqual(h.cluster.executorIds().length, Math.max(2, 6 - round - 1))
      }
      assert.deepStrictEqual(h.cluster.executorIds(), ["2", "5"])
      const last = h.decisions().at(-1)!
      assert.strictEqual(last.action, "NoChange")
      assert.match(last.reason, /every executor runs a receiver/)
    })))

  it.effect("a falling load stops at minExecutors", () =>
    Effect.scoped(Effect.gen(function*() {
      const h = yield* harness({ "spark.streaming.dynamicAllocation.minExecutors": 3 }, 5, [])
      yield* h.manager.start
      for (let round = 0; round < 4; round++) {
        h.manager.listener.onBatchCompleted!(batch(10))
        yield* TestClock.adjust("60 seconds")
      }
      assert.strictEqual(h.cluster.executorIds().length, 3)
      assert.deepStrictEqual(h.decisions().map((d) => d.action), ["KillExecutor", "KillExecutor", "NoChange", "NoChange"])
    })))

  it.effect("a backend that cannot allocate refuses at start", () =>
    Effect.scoped(Effect.gen(function*() {
      const receivers = { numReceivers: 0, executorsWithReceivers: () => [] }
      const manager = yield* ExecutorAllocationManager.make({
        client: ExecutorAllocationClient.unsupported("local[2]"),
        receivers,
        batchDurationMs: BATCH_MS,
        conf: SparkConf.make({}),
        post: () => {}
      })
      const error = yield* Effect.flip(manager.start)
      assert.strictEqual(error._tag, "DynamicAllocationUnsupportedError")
    })))

  describe("validation names the key (Spark's parameter validation)", () => {
    const valid: ReadonlyArray<readonly [Entries, number]> = [
      [{}, 1],
      [{ "spark.streaming.dynamicAllocation.minExecutors": 1 }, 2],
      [{ "spark.streaming.dynamicAllocation.minExecutors": 3 }, 2],
      [{ "spark.streaming.dynamicAllocation.maxExecutors": 3 }, 2],
      [{ "spark.streaming.dynamicAllocation.maxExecutors": 1 }, 2],
      [{ "spark.streaming.dynamicAllocation.minExecutors": 3, "spark.streaming.dynamicAllocation.maxExecutors": 3 }, 1],
      [{ "spark.streaming.dynamicAllocation.scalingInterval": "1s" }, 1],
      [{ "spark.streaming.dynamicAllocation.scalingUpRatio": 1.1 }, 1],
      [{ "spark.streaming.dynamicAllocation.scalingDownRatio": 0.1 }, 1]
    ]
    for (const [entries, numReceivers] of valid) {
      it(`valid: ${JSON.stringify(entries)} with ${numReceivers} receivers`, () => {
        assert.notInstanceOf(internal.readSettings(SparkConf.make(entries), numReceivers), Error)
      })
    }
    const invalid: ReadonlyArray<readonly [Entries, string]> = [
      [{ "spark.streaming.dynamicAllocation.minExecutors": 0 }, "spark.streaming.dynamicAllocation.minExecutors"],
      [{ "spark.streaming.dynamicAllocation.minExecutors": -1 }, "spark.streaming.dynamicAllocation.minExecutors"],
      [{ "spark.streaming.dynamicAllocation.maxExecutors": 0 }, "spark.streaming.dynamicAllocation.maxExecutors"],
      [{ "spark.streaming.dynamicAllocation.maxExecutors": -1 }, "spark.streaming.dynamicAllocation.maxExecutors"],
      [
        { "spark.streaming.dynamicAllocation.minExecutors": 4, "spark.streaming.dynamicAllocation.maxExecutors": 3 },
        "spark.streaming.dynamicAllocation.maxExecutors"
      ],
      [{ "spark.streaming.dynamicAllocation.scalingInterval": "-1s" }, "spark.streaming.dynamicAllocation.scalingInterval"],
      [{ "spark.streaming.dynamicAllocation.scalingInterval": "0s" }, "spark.streaming.dynamicAllocation.scalingInterval"],
      [{ "spark.streaming.dynamicAllocation.scalingUpRatio": -0.1 }, "spark.streaming.dynamicAllocation.scalingUpRatio"],
      [{ "spark.streaming.dynamicAllocation.scalingUpRatio": 0 }, "spark.streaming.dynamicAllocation.scalingUpRatio"],
      [{ "spark.streaming.dynamicAllocation.scalingDownRatio": -0.1 }, "spark.streaming.dynamicAllocation.scalingDownRatio"],
      [{ "spark.streaming.dynamicAllocation.scalingDownRatio": 0 }, "spark.streaming.dynamicAllocation.scalingDownRatio"],
      [
        { "spark.streaming.dynamicAllocation.scalingUpRatio": 0.5, "spark.streaming.dynamicAllocation.scalingDownRatio": 0.5 },
        "spark.streaming.dynamicAllocation.scalingUpRatio"
      ],
      [
        { "spark.streaming.dynamicAllocation.scalingUpRatio": 0.3, "spark.streaming.dynamicAllocation.scalingDownRatio": 0.5 },
        "spark.streaming.dynamicAllocation.scalingUpRatio"
      ],
      [{ "spark.streaming.dynamicAllocation.scalingUpRatio": "high" }, "spark.streaming.dynamicAllocation.scalingUpRatio"]
    ]
    for (const [entries, key] of invalid) {
      it.effect(`invalid: ${JSON.stringify(entries)} -> ${key}`, () =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(harness(entries, 1))
          assert.strictEqual(error._tag, "DynamicAllocationConfigError")
          assert.strictEqual(error.key, key)
          assert.include(error.message, key)
        }))
    }
  })

  describe("enabling and disabling", () => {
    const receivers = { numReceivers: 1, executorsWithReceivers: () => [] }
    const create = (entries: Entries) =>
      ExecutorAllocationManager.createIfEnabled({
        client: ExecutorAllocationClient.simulated(1).client,
        receivers,
        batchDurationMs: BATCH_MS,
        conf: SparkConf.make(entries),
        post: () => {}
      })

    it.effect("off by default, on with spark.streaming.dynamicAllocation.enabled", () =>
      Effect.gen(function*() {
        assert.isUndefined(yield* create({}))
        assert.isDefined(yield* create({ "spark.streaming.dynamicAllocation.enabled": true }))
      }))

    it.effect("refused with a logged warning when core's dynamic allocation is on too", () => {
      const warnings: Array<string> = []
      const logger = Logger.make<unknown, void>(({ logLevel, message }) => {
        if (logLevel === "Warn") warnings.push(Array.isArray(message) ? message.join(" ") : String(message))
      })
      return Effect.gen(function*() {
        const error = yield* Effect.flip(
          create({ "spark.streaming.dynamicAllocation.enabled": true, "spark.dynamicAllocation.enabled": true })
        )
        assert.strictEqual(error.key, "spark.dynamicAllocation.enabled")
        assert.match(error.message, /both streaming and core/)
        assert.strictEqual(warnings.length, 1)
        assert.match(warnings[0]!, /both streaming and core/)
      }).pipe(Effect.provide(Logger.layer([logger])))
    })

    it.effect("a value that is not a boolean names the key", () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(create({ "spark.streaming.dynamicAllocation.enabled": "sometimes" }))
        assert.strictEqual(error.key, "spark.streaming.dynamicAllocation.enabled")
      }))
  })
})
