/**
 * The Promise facade (`ssc.promise`) for code that does not use Effect, on
 * the real clock with short batches.
 */
import { assert, describe, it } from "@effect/vitest"
import { SparkContext } from "@tspark/core"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as StreamingContext from "../src/StreamingContext.js"
import * as StreamingContextPromise from "../src/StreamingContextPromise.js"
import { waitUntil } from "./utils/realTime.js"

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

  it("getOrCreate as a Promise: a new context, then the recovered one, and a rejection for another shape", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tspark-promise-ckpt-"))
    try {
      const sc = await SparkContext.create({ master: "local[1]" })
      const built: Array<StreamingContext.StreamingContext> = []
      const build = (extraMap: boolean) => async () => {
        const ssc = await StreamingContext.create(sc, { batchDuration: 20 })
        built.push(ssc)
        await ssc.promise.checkpoint(dir)
        const numbers = ssc.constantStream(sc.parallelize([1, 2], 1))
        ;(extraMap ? numbers.map((n) => n + 1) : numbers).foreachRDD(() => undefined)
        return ssc
      }
      const first = await StreamingContextPromise.getOrCreate(sc, dir, build(false))
      assert.isUndefined(first.graph.restartPoint)
      await first.promise.start()
      await sc.run(first.awaitCompletedBatches(2))
      await first.promise.stop({ stopSparkContext: false })
      await Effect.runPromise(waitUntil(() => fs.readdirSync(dir).some((f) => f.startsWith("checkpoint-")), "a checkpoint file"))
      const refused = await StreamingContextPromise.getOrCreate(sc, dir, build(true)).then(() => undefined, (e: unknown) => e)
      assert.strictEqual((refused as { _tag?: string } | undefined)?._tag, "CheckpointRecoveryError")
      // The refused context is stopped; its SparkContext is not, so the application can try again.
      assert.strictEqual(built.at(-1)!.getState(), "STOPPED")
      assert.isFalse(sc.isStopped)
      const recovered = await StreamingContextPromise.getOrCreate(sc, dir, build(false))
      assert.isDefined(recovered.graph.restartPoint)
      await recovered.promise.stop()
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
