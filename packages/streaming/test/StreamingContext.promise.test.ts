/**
 * The Promise facade (`ssc.promise`) for code that does not use Effect, on
 * the real clock with short batches.
 */
import { assert, describe, it } from "@effect/vitest"
import { SparkContext } from "@tspark/core"
import * as StreamingContext from "../src/StreamingContext.js"

describe("StreamingContext Promise facade", () => {
  it("start, awaitTerminationOrTimeout and a graceful stop as Promises", async () => {
    const sc = await SparkContext.create({ master: "local[1]" })
    const ssc = await StreamingContext.create(sc, { batchDuration: 20 })
    const seen: Array<number> = []
    ssc.constantStream(sc.parallelize([1, 2], 1)).foreachRDD((_rdd, time) => void seen.push(time))
    await ssc.promise.start()
    assert.strictEqual(ssc.getState(), "ACTIVE")
    await sc.run(ssc.awaitCompletedBatches(1))
    assert.isFalse(await ssc.promise.awaitTerminationOrTimeout(30))
    await ssc.promise.stop({ stopSparkContext: true, stopGracefully: true })
    assert.strictEqual(ssc.getState(), "STOPPED")
    assert.isTrue(sc.isStopped)
    assert.isTrue(await ssc.promise.awaitTermination())
    assert.isAbove(seen.length, 0)
    assert.deepStrictEqual(seen, [...ssc.completedBatchTimes])
  })

  it("a failing start rejects with the typed error", async () => {
    const sc = await SparkContext.create({ master: "local[1]" })
    const ssc = await StreamingContext.create(sc, { batchDuration: 20 })
    ssc.constantStream(sc.parallelize([1], 1))
    const error = await ssc.promise.start().then(() => undefined, (e: unknown) => e)
    assert.strictEqual((error as { _tag?: string } | undefined)?._tag, "IllegalStateError")
    await ssc.promise.stop()
  })
})
