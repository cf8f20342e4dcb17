import { assert, describe, it } from "@effect/vitest"
import { type BlockId } from "@tspark/core"
import { RateLimiter } from "@tspark/rate-control"
import { Deferred, Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import * as BlockGenerator from "../../src/receiver/BlockGenerator.js"
import { settle } from "./utils.js"

const collector = <T>(gate?: Deferred.Deferred<void>) => {
  const pushed: Array<{ readonly id: BlockId.BlockId; readonly records: ReadonlyArray<T> }> = []
  const generated: Array<string> = []
  const added: Array<T> = []
  const errors: Array<string> = []
  const listener: BlockGenerator.BlockGeneratorListener<T> = {
    onAddData: (data) => added.push(data),
    onGenerateBlock: (id) => generated.push(id.name),
    onPushBlock: (id, records) =>
      Effect.gen(function*() {
        if (gate !== undefined) yield* Deferred.await(gate)
        pushed.push({ id, records })
      }),
    onError: (message) => errors.push(message)
  }
  return { listener, pushed, generated, added, errors }
}

describe("BlockGenerator", () => {
  it.effect("cuts a block every block interval, in order, and none for an empty interval", () =>
    Effect.gen(function*() {
      const c = collector<number>()
      const generator = yield* BlockGenerator.make(c.listener, { streamId: 3, blockIntervalMs: 100 })
      assert.strictEqual(generator.state(), "Initialized")
      yield* generator.start
      assert.strictEqual(generator.state(), "Active")
      for (const i of [1, 2, 3]) yield* generator.addData(i)
      yield* TestClock.adjust("100 millis")
      yield* settle()
      assert.deepStrictEqual(c.pushed.map((b) => b.records), [[1, 2, 3]])
      yield* generator.addData(4)
      yield* TestClock.adjust("100 millis")
      yield* TestClock.adjust("100 millis")
      yield* settle()
      assert.deepStrictEqual(c.pushed.map((b) => b.records), [[1, 2, 3], [4]])
      assert.deepStrictEqual(c.added, [1, 2, 3, 4])
      assert.deepStrictEqual(c.generated, c.pushed.map((b) => b.id.name))
      const ids = c.pushed.map((b) => b.id)
      assert.isTrue(ids.every((id) => id._tag === "StreamBlockId" && id.streamId === 3))
      assert.strictEqual(new Set(ids.map((id) => id.name)).size, ids.length)
      yield* generator.stop
    }).pipe(Effect.scoped))

  it.effect("a graceful stop pushes every record added, then refuses data", () =>
    Effect.gen(function*() {
      const c = collector<number>()
      const generator = yield* BlockGenerator.make(c.listener, { streamId: 0, blockIntervalMs: 200 })
      yield* generator.start
      for (let i = 0; i < 50; i++) yield* generator.addData(i)
      yield* generator.stop
      assert.strictEqual(generator.state(), "StoppedAll")
      assert.deepStrictEqual(c.pushed.flatMap((b) => b.records), Array.from({ length: 50 }, (_, i) => i))
      const refused = yield* Effect.flip(generator.addData(99))
      assert.strictEqual(refused._tag, "BlockGeneratorStoppedError")
      assert.match(refused.message, /block generator of stream 0/)
      assert.isFalse(generator.tryAddData(99, undefined))
    }).pipe(Effect.scoped))

  it.effect("data before start is refused with a message that says so", () =>
    Effect.gen(function*() {
      const generator = yield* BlockGenerator.make(collector<number>().listener, { streamId: 1, blockIntervalMs: 200 })
      const refused = yield* Effect.flip(generator.addData(1))
      assert.match(refused.message, /not started yet/)
    }).pipe(Effect.scoped))

  it.effect("the rate limiter throttles addData on the clock, and updateRate changes the pace", () =>
    Effect.gen(function*() {
      const c = collector<number>()
      const rateLimiter = yield* RateLimiter.make({ initialRate: 10 })
      const generator = yield* BlockGenerator.make(c.listener, { streamId: 0, blockIntervalMs: 100, rateLimiter })
      yield* generator.start
      let accepted = 0
      const adder = yield* Effect.forkChild(Effect.gen(function*() {
        for (let i = 0; i < 10_000; i++) {
          yield* generator.addData(i)
          accepted++
        }
      }))
      for (let ms = 0; ms < 2000; ms += 100) {
        yield* TestClock.adjust("100 millis")
        yield* settle(1)
      }
      assert.isAtLeast(accepted, 19)
      assert.isAtMost(accepted, 21)
      yield* generator.updateRate(100)
      assert.strictEqual(generator.currentLimit(), 100)
      const before = accepted
      for (let ms = 0; ms < 1000; ms += 100) {
        yield* TestClock.adjust("100 millis")
        yield* settle(1)
      }
      assert.isAtLeast(accepted - before, 95)
      assert.isAtMost(accepted - before, 111)
      yield* Fiber.interrupt(adder)
      yield* generator.stop
      assert.strictEqual(c.pushed.flatMap((b) => b.records).length, accepted)
    }).pipe(Effect.scoped))

  it.effect("a full block queue holds the adder until the pusher makes room", () =>
    Effect.gen(function*() {
      const gate = yield* Deferred.make<void>()
      const c = collector<number>(gate)
      const generator = yield* BlockGenerator.make(c.listener, { streamId: 0, blockIntervalMs: 100, blockQueueSize: 1 })
      yield* generator.start
      // block 1 is taken by the (gated) pusher, block 2 fills the queue, block 3 waits to be queued
      for (const i of [1, 2, 3]) {
        yield* generator.addData(i)
        yield* TestClock.adjust("100 millis")
        yield* settle()
      }
      let done = false
      const adder = yield* Effect.forkChild(Effect.andThen(generator.addData(4), Effect.sync(() => (done = true))))
      yield* settle()
      assert.isFalse(done, "the adder must wait while the queue is full")
      assert.isFalse(generator.tryAddData(5, undefined))
      yield* Deferred.succeed(gate, undefined)
      yield* Fiber.join(adder)
      assert.isTrue(done)
      yield* generator.stop
      assert.deepStrictEqual(c.pushed.map((b) => b.records), [[1], [2], [3], [4]])
    }).pipe(Effect.scoped))

  it.effect("a failing push is reported and the next blocks are still pushed", () =>
    Effect.gen(function*() {
      const pushed: Array<ReadonlyArray<number>> = []
      const errors: Array<string> = []
      let first = true
      const generator = yield* BlockGenerator.make<number>({
        onPushBlock: (_id, records) => first ? Effect.fail(((first = false), "store failed")) : Effect.sync(() => pushed.push(records)),
        onError: (message) => errors.push(message)
      }, { streamId: 0, blockIntervalMs: 100 })
      yield* generator.start
      yield* generator.addData(1)
      yield* TestClock.adjust("100 millis")
      yield* settle()
      yield* generator.addData(2)
      yield* generator.stop
      assert.strictEqual(errors.length, 1)
      assert.match(errors[0]!, /Error pushing block input-0-/)
      assert.deepStrictEqual(pushed, [[2]])
    }).pipe(Effect.scoped))
})
