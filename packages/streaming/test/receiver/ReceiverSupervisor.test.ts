import { assert, describe, it } from "@effect/vitest"
import { BlockId, StorageLevel } from "@tspark/core"
import { Effect, Exit, Fiber, Logger } from "effect"
import { TestClock } from "effect/testing"
import fc from "fast-check"
import * as v8 from "node:v8"
import * as ReceiverSupervisor from "../../src/receiver/ReceiverSupervisor.js"
import { makeBlockManager, makeTracker, recordsOf, settle, TestReceiver } from "./utils.js"

const conf = { "spark.streaming.blockInterval": "100ms", "spark.streaming.receiverRestartDelay": "1s" }

const start = (receiver: TestReceiver, tracker: ReturnType<typeof makeTracker>, extra: Record<string, string> = {}) =>
  Effect.gen(function*() {
    const blockManager = yield* makeBlockManager()
    const fiber = yield* Effect.forkChild(ReceiverSupervisor.run(receiver, {
      link: tracker.link,
      blockManager,
      conf: { ...conf, ...extra },
      executorId: "exec-0",
      host: "localhost",
      streamId: 0
    }))
    yield* settle()
    return { fiber, blockManager }
  })

describe("ReceiverSupervisor", () => {
  it.effect("a receiver the tracker refuses is never started and is stopped", () =>
    Effect.gen(function*() {
      const tracker = makeTracker({ accept: false })
      const receiver = new TestReceiver()
      const { fiber } = yield* start(receiver, tracker)
      yield* Fiber.join(fiber)
      assert.strictEqual(receiver.starts, 0)
      assert.isTrue(receiver.isStopped())
      assert.deepStrictEqual(tracker.registered.map((r) => [r.streamId, r.typ, r.executorId]), [[0, "TestReceiver", "exec-0"]])
      const error = yield* Effect.flip(Effect.tryPromise({ try: () => receiver.store(1), catch: (e) => e }))
      assert.strictEqual((error as { _tag: string })._tag, "ReceiverStoppedError")
    }).pipe(Effect.scoped))

  it.effect("onStart that throws: reported, restarted after spark.streaming.receiverRestartDelay", () =>
    Effect.gen(function*() {
      const tracker = makeTracker()
      const receiver = Object.assign(new TestReceiver(), { failStarts: 1 })
      const { fiber } = yield* start(receiver, tracker)
      assert.strictEqual(receiver.starts, 1)
      assert.isTrue(receiver.isStopped())
      assert.deepStrictEqual(tracker.errors.map((e) => e.message), ["Error starting receiver 0"])
      assert.match(tracker.errors[0]!.error, /cannot start/)
      yield* TestClock.adjust("999 millis")
      yield* settle()
      assert.strictEqual(receiver.starts, 1)
      yield* TestClock.adjust("1 millis")
      yield* settle()
      assert.strictEqual(receiver.starts, 2)
      assert.isTrue(receiver.isStarted())
      receiver.stop("done")
      yield* Fiber.join(fiber)
    }).pipe(Effect.scoped))

  it.effect("store after stop is refused with ReceiverStoppedError; stop deregisters with its message", () =>
    Effect.gen(function*() {
      const tracker = makeTracker()
      const receiver = new TestReceiver()
      const { fiber } = yield* start(receiver, tracker)
      yield* Effect.promise(() => receiver.store(1))
      receiver.stop("no more input", new Error("source closed"))
      yield* Fiber.join(fiber)
      assert.strictEqual(receiver.stops, 1)
      const exit = yield* Effect.exit(Effect.tryPromise({ try: () => receiver.store(2), catch: (e) => e }))
      assert.isTrue(Exit.isFailure(exit))
      const error = yield* Effect.flip(Effect.tryPromise({ try: () => receiver.store(2), catch: (e) => e as Error }))
      assert.match(error.message, /receiver 0 \(TestReceiver\) is stopped/)
      assert.deepStrictEqual(tracker.deregistered.map((d) => d.message), ["no more input"])
      assert.match(tracker.deregistered[0]!.error, /source closed/)
      assert.strictEqual(tracker.blocks.reduce((n, b) => n + (b.numRecords ?? 0), 0), 1)
    }).pipe(Effect.scoped))

  it.effect("the driver's StopReceiver stops it; UpdateRateLimit throttles store", () =>
    Effect.gen(function*() {
      const tracker = makeTracker()
      const receiver = new TestReceiver()
      const { fiber } = yield* start(receiver, tracker)
      tracker.tell(0, { _tag: "UpdateRateLimit", elementsPerSecond: 10 })
      yield* settle()
      let accepted = 0
      void (async () => {
        for (let i = 0; i < 100; i++) {
          await receiver.store(i).catch(() => undefined)
          accepted++
        }
      })()
      for (let ms = 0; ms < 1000; ms += 100) {
        yield* TestClock.adjust("100 millis")
        yield* settle(2)
      }
      assert.isAtLeast(accepted, 9)
      assert.isAtMost(accepted, 12)
      tracker.tell(0, { _tag: "StopReceiver" })
      yield* Fiber.join(fiber)
      assert.isTrue(receiver.isStopped())
      assert.deepStrictEqual(tracker.deregistered.map((d) => d.message), ["Stopped by driver"])
      assert.strictEqual(tracker.handlers.size, 0)
    }).pipe(Effect.scoped))

  it.effect("a block generator the receiver keeps follows the driver's rate limits from the latest one, until it stops following", () =>
    Effect.gen(function*() {
      const tracker = makeTracker()
      const receiver = new TestReceiver()
      const { fiber } = yield* start(receiver, tracker)
      const seen: Array<[string, number]> = []
      const follower = (name: string) => ({ updateRate: (rate: number) => Effect.sync(() => void seen.push([name, rate])) })
      const stopFirst = receiver.followRateUpdates(follower("first"))
      tracker.tell(0, { _tag: "UpdateRateLimit", elementsPerSecond: 10 })
      yield* settle()
      receiver.followRateUpdates(follower("second"))
      yield* settle()
      stopFirst()
      tracker.tell(0, { _tag: "UpdateRateLimit", elementsPerSecond: 20 })
      yield* settle()
      assert.deepStrictEqual(seen, [["first", 10], ["second", 10], ["second", 20]])
      receiver.stop("done")
      yield* Fiber.join(fiber)
      // Outside a running receiver it does nothing.
      assert.isFunction(new TestReceiver().followRateUpdates(follower("idle")))
    }).pipe(Effect.scoped))

  it.effect("storeMany under a rate limit spreads a long run over the blocks instead of landing it at once", () =>
    Effect.gen(function*() {
      const tracker = makeTracker()
      const receiver = new TestReceiver(StorageLevel.MEMORY_ONLY)
      const { blockManager, fiber } = yield* start(receiver, tracker)
      tracker.tell(0, { _tag: "UpdateRateLimit", elementsPerSecond: 100 })
      yield* settle()
      let done = false
      void receiver.storeMany(Array.from({ length: 300 }, (_, i) => i)).then(() => void (done = true))
      for (let ms = 0; ms < 4000; ms += 100) {
        yield* TestClock.adjust("100 millis")
        yield* settle(2)
      }
      assert.isTrue(done)
      receiver.stop("done")
      yield* Fiber.join(fiber)
      // 300 records at 100/s: about 3 s of 100 ms blocks of about 10 records each, in order.
      const counts = tracker.blocks.map((b) => b.numRecords ?? 0)
      assert.isAtLeast(counts.length, 25)
      assert.isAtMost(Math.max(...counts), 30)
      assert.deepStrictEqual(recordsOf(blockManager, tracker.blocks), Array.from({ length: 300 }, (_, i) => i))
    }).pipe(Effect.scoped))

  it.effect("blocks are stored in the BlockManager and reported with their counts and metadata", () =>
    Effect.gen(function*() {
      const tracker = makeTracker()
      const receiver = new TestReceiver(StorageLevel.MEMORY_ONLY)
      const { blockManager, fiber } = yield* start(receiver, tracker)
      for (let i = 0; i < 5; i++) yield* Effect.promise(() => receiver.store(i))
      yield* Effect.promise(() => receiver.store([10, 11, 12], { offset: 42 }))
      assert.deepStrictEqual(tracker.blocks.map((b) => [b.numRecords, b.metadata]), [[3, { offset: 42 }]])
      yield* Effect.promise(() => receiver.storeBytes(v8.serialize([20, 21])))
      yield* TestClock.adjust("100 millis")
      yield* settle()
      receiver.stop("done")
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(tracker.blocks.map((b) => b.numRecords), [3, undefined, 5])
      assert.isTrue(tracker.blocks.every((b) => b.streamId === 0 && b.executorId === "exec-0" && b.host === "localhost"))
      assert.deepStrictEqual(recordsOf(blockManager, tracker.blocks), [10, 11, 12, 20, 21, 0, 1, 2, 3, 4])
      const ids = tracker.blocks.map((b) => BlockId.parse(b.blockId)!)
      assert.isTrue(ids.every((id) => id._tag === "StreamBlockId" && id.streamId === 0))
      assert.strictEqual(new Set(tracker.blocks.map((b) => b.blockId)).size, 3)
    }).pipe(Effect.scoped))

  it.effect("invalid settings fail before anything starts, saying what to change", () =>
    Effect.gen(function*() {
      const tracker = makeTracker()
      const blockManager = yield* makeBlockManager()
      const error = yield* Effect.flip(ReceiverSupervisor.run(new TestReceiver(), {
        link: tracker.link,
        blockManager,
        conf: { "spark.streaming.blockInterval": "0ms" },
        executorId: "exec-0",
        host: "localhost",
        streamId: 0
      }))
      assert.strictEqual(error._tag, "ReceiverConfigError")
      assert.match(error.message, /spark\.streaming\.blockInterval must be a positive duration/)
      assert.strictEqual(tracker.registered.length, 0)
    }).pipe(Effect.scoped))

  it("every record whose store resolved is in exactly one reported block, across random restarts", async () => {
    type Step = { readonly _tag: "store"; readonly n: number } | { readonly _tag: "restart" } | {
      readonly _tag: "advance"
      readonly ms: number
    }
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ _tag: fc.constant("store" as const), n: fc.integer({ min: 1, max: 20 }) }),
      fc.constant({ _tag: "restart" as const }),
      fc.record({ _tag: fc.constant("advance" as const), ms: fc.integer({ min: 1, max: 700 }) })
    )
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 25 }), async (steps) => {
        const program = Effect.gen(function*() {
          const tracker = makeTracker()
          const receiver = new TestReceiver()
          const { blockManager, fiber } = yield* start(receiver, tracker, { "spark.streaming.receiverRestartDelay": "500ms" })
          const stored: Array<number> = []
          let next = 0
          for (const s of steps) {
            if (s._tag === "store") {
              for (let i = 0; i < s.n; i++) {
                const record = next++
                const ok = yield* Effect.promise(() => receiver.store(record).then(() => true, () => false))
                if (ok) stored.push(record)
              }
            } else if (s._tag === "restart") {
              receiver.restart("random failure", undefined)
              yield* settle()
            } else {
              yield* TestClock.adjust(s.ms)
              yield* settle()
            }
          }
          receiver.stop("end of test")
          yield* TestClock.adjust("1 second")
          yield* Fiber.join(fiber)
          const reported = recordsOf(blockManager, tracker.blocks) as Array<number>
          assert.deepStrictEqual([...reported].sort((a, b) => a - b), stored)
          assert.strictEqual(new Set(tracker.blocks.map((b) => b.blockId)).size, tracker.blocks.length)
        })
        await Effect.runPromise(program.pipe(Effect.scoped, Effect.provide(TestClock.layer()), Effect.provide(Logger.layer([]))))
      }),
      { numRuns: 30 }
    )
  }, 60_000)
})
