// Backpressure end to end on the test clock: a receiver offered 3x what the
// job can process (3,000 records/s against a foreachRDD that takes 1 ms of
// virtual time per record) converges to the processing rate, and the
// scheduling delay stops growing. Without backpressure it grows every batch.
import { assert, describe, it } from "@effect/vitest"
import { SparkContext } from "@tspark/core"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { Receiver } from "../../src/receiver/Receiver.js"
import type { BatchInfo } from "../../src/scheduler/StreamingListener.js"
import * as StreamingContext from "../../src/StreamingContext.js"
import { settle } from "./utils.js"

/** Lets promise callbacks (rpc, store acknowledgements) run between clock steps. */

/** Offers 30 records every 10 ms of virtual time; each `store` waits for the receiver's rate limiter. */
class FastSource extends Receiver<number> {
  private loop: Fiber.Fiber<void> | undefined
  constructor(private readonly run: (effect: Effect.Effect<void>) => Fiber.Fiber<void>) {
    super()
  }
  onStart(): void {
    let next = 0
    this.loop = this.run(
      Effect.forever(Effect.gen({ self: this }, function*() {
        for (let i = 0; i < 30; i++) yield* Effect.promise(() => this.store(next++))
        yield* Effect.sleep(10)
      })).pipe(Effect.catchCause(() => Effect.void))
    )
  }
  onStop(): void {
    if (this.loop !== undefined) Effect.runFork(Fiber.interrupt(this.loop))
  }
}

const runOverloaded = (backpressure: boolean) =>
  Effect.scoped(Effect.gen(function*() {
    const services = yield* Effect.context<never>()
    const sc = yield* SparkContext.make({
      master: "local[2]",
      appName: "backpressure test",
      conf: {
        "spark.streaming.backpressure.enabled": String(backpressure),
        "spark.streaming.blockInterval": "100ms"
      }
    })
    const ssc = yield* StreamingContext.make(sc, { batchDuration: 1000 })
    const batches: Array<BatchInfo> = []
    ssc.receiverStream(new FastSource((effect) => Effect.runForkWith(services)(effect)))
      .foreachRDD((rdd) => Effect.flatMap(rdd.count(), (n) => Effect.sleep(n)))
    yield* ssc.addStreamingListener({ onBatchCompleted: (batch) => void batches.push(batch) })
    yield* ssc.start()
    for (let step = 0; step < 40 * 20; step++) {
      yield* TestClock.adjust(50)
      yield* settle(4)
    }
    yield* ssc.waitForListeners()
    yield* ssc.stop()
    return batches
  }))

describe("backpressure", () => {
  it.effect("a 3x overloaded receiver converges to the processing rate; the scheduling delay stops growing", () =>
    Effect.gen(function*() {
      const batches = yield* runOverloaded(true)
      assert.isAtLeast(batches.length, 20)
      const last = batches.slice(-8)
      for (const batch of last) {
        assert.approximately(batch.numRecords, 1000, 100, `batch ${batch.batchTime} received ${batch.numRecords}`)
        assert.isDefined(batch.streamIdToInputInfo.get(0)?.metadata["rateLimit"])
      }
      const delays = last.map((batch) => batch.schedulingDelay ?? 0)
      assert.isAtMost(Math.max(...delays) - Math.min(...delays), 300, `delays ${delays.join(", ")}`)
    }))

  it.effect("without backpressure the same load makes the scheduling delay grow batch after batch", () =>
    Effect.gen(function*() {
      const batches = yield* runOverloaded(false)
      const delays = batches.map((batch) => batch.schedulingDelay ?? 0)
      assert.isAbove(delays.at(-1)!, delays[2]! + 5000, `delays ${delays.join(", ")}`)
    }))
})
