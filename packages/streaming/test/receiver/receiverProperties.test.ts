// Receiving invariants on the test clock with an in-memory receiver driven
// by the test (fast-check): every record whose store was acknowledged is in
// exactly one batch, also when the receiver restarts at random moments; a
// batch holds only records stored before its time.
import { assert, describe, it } from "@effect/vitest"
import { SparkContext } from "@tspark/core"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import fc from "fast-check"
import { Receiver } from "../../src/receiver/Receiver.js"
import * as StreamingContext from "../../src/StreamingContext.js"
import { settle } from "./utils.js"

/** Stores only what the test tells it to. */
class ScriptedReceiver extends Receiver<number> {
  onStart(): void {}
  onStop(): void {}
}

type Action =
  | { readonly _tag: "Store"; readonly count: number }
  | { readonly _tag: "Advance"; readonly ms: number }
  | { readonly _tag: "Restart" }

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ _tag: fc.constant("Store" as const), count: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ _tag: fc.constant("Advance" as const), ms: fc.integer({ min: 1, max: 700 }) }),
  fc.record({ _tag: fc.constant("Restart" as const) })
)

const run = (actions: ReadonlyArray<Action>) =>
  Effect.scoped(Effect.gen(function*() {
    const sc = yield* SparkContext.make({
      master: "local[2]",
      appName: "receiver properties",
      conf: { "spark.streaming.blockInterval": "100ms", "spark.streaming.receiverRestartDelay": "150ms" }
    })
    const ssc = yield* StreamingContext.make(sc, { batchDuration: 500 })
    const receiver = new ScriptedReceiver()
    const outputs: Array<readonly [number, ReadonlyArray<number>]> = []
    ssc.receiverStream(receiver).foreachRDD((rdd, time) => Effect.map(rdd.collect(), (values) => void outputs.push([time, values])))
    yield* ssc.start()
    while (!receiver.isStarted()) {
      yield* TestClock.adjust(10)
      yield* settle(4)
    }
    const storedAt = new Map<number, number>()
    let next = 0
    for (const step of actions) {
      if (step._tag === "Store") {
        for (let i = 0; i < step.count; i++) {
          const value = next++
          const now = yield* Effect.clockWith((clock) => clock.currentTimeMillis)
          const stored = yield* Effect.promise(() => receiver.store(value).then(() => true, () => false))
          if (stored) storedAt.set(value, now)
        }
      } else if (step._tag === "Advance") {
        yield* TestClock.adjust(step.ms)
        yield* settle(4)
      } else {
        receiver.restart("a restart the test asked for")
        yield* settle(4)
      }
    }
    const stopping = yield* Effect.forkChild(ssc.stop({ stopGracefully: true }))
    while (stopping.pollUnsafe() === undefined) {
      yield* TestClock.adjust(100)
      yield* settle(4)
    }
    yield* Fiber.join(stopping)
    return { outputs, storedAt }
  }))

describe("receiving invariants", () => {
  it.effect("every acknowledged record is in exactly one batch, stored before that batch's time", () =>
    Effect.promise(() =>
      fc.assert(
        fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 40 }), (actions) =>
          Effect.runPromise(Effect.provide(run(actions), TestClock.layer())).then(({ outputs, storedAt }) => {
            const seen = new Map<number, number>()
            for (const [time, values] of outputs) {
              for (const value of values) {
                assert.isFalse(seen.has(value), `record ${value} in two batches`)
                seen.set(value, time)
                assert.isBelow(storedAt.get(value)!, time, `record ${value} stored at ${storedAt.get(value)} in batch ${time}`)
              }
            }
            assert.deepStrictEqual(
              [...seen.keys()].sort((a, b) => a - b),
              [...storedAt.keys()].sort((a, b) =>
                a - b
              )
            )
          })),
        { numRuns: 30 }
      )
    ))
})
