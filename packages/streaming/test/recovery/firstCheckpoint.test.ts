/**
 * A fresh context with the receiver write-ahead log on, killed before its
 * first batch: a restart without a checkpoint starts afresh and discards the
 * block tracker's log, so a block acknowledged then would be lost (a
 * reliable source sends only what follows the acknowledged lines). The
 * context writes its zero time's checkpoint before its first batch and
 * acknowledges no block before a checkpoint is on disk: the restart recovers
 * the block from the logs and counts it. On the test clock, over real files.
 */
import { assert, describe, it } from "@effect/vitest"
import { type SparkContext, StorageLevel } from "@tspark/core"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import * as fs from "node:fs"
import { Receiver } from "../../src/receiver/Receiver.js"
import * as StreamingContext from "../../src/StreamingContext.js"
import * as Testing from "../../src/testing/index.js"
import { waitUntil } from "../utils/realTime.js"
import { makeSparkContext, tempDir } from "../utils/streaming.js"

const NOW = 1_700_000_000_000
const BATCH = 5000
const walConf = { "spark.streaming.receiver.writeAheadLog.enable": "true" }

/** What the receivers acknowledged to their source, in this process. */
const acknowledged: Array<number> = []

/** A reliable receiver: stores its records as one block when it starts and acknowledges them once stored. */
export class AcknowledgingReceiver extends Receiver<number> {
  static readonly module = import.meta.url
  constructor(readonly records: ReadonlyArray<number>) {
    super(StorageLevel.MEMORY_ONLY)
  }
  onStart(): void {
    if (this.records.length === 0) return
    void this.storeRecords(this.records).then(() => void acknowledged.push(...this.records), () => undefined)
  }
  onStop(): void {}
}

/** The application: the receiver's records, each batch's collected into `counted`. */
const application = (sc: SparkContext.SparkContext, checkpointDir: string, records: ReadonlyArray<number>, counted: Array<number>) => () =>
  Effect.gen(function*() {
    const ssc = yield* StreamingContext.make(sc, { batchDuration: BATCH })
    yield* ssc.checkpoint(checkpointDir)
    ssc.receiverStream(new AcknowledgingReceiver(records)).foreachRDD((rdd) =>
      Effect.map(rdd.collect(), (values) => void counted.push(...values))
    )
    return ssc
  })

describe("a fresh context with the receiver write-ahead log on", () => {
  it.effect("counts a block acknowledged before its first batch after the driver dies", () =>
    Effect.scoped(Effect.gen(function*() {
      yield* TestClock.setTime(NOW)
      acknowledged.length = 0
      const checkpointDir = yield* tempDir("tspark-first-ckpt-")
      const counted: Array<number> = []

      const sc1 = yield* makeSparkContext(walConf)
      const ssc1 = yield* StreamingContext.getOrCreate(checkpointDir, application(sc1, checkpointDir, [1, 2, 3], counted))
      yield* ssc1.start()
      yield* waitUntil(() => acknowledged.length === 3, "the block acknowledged")
      // The driver dies before its first batch: nothing was counted.
      yield* ssc1.stop({ stopSparkContext: true, stopGracefully: false })
      assert.deepStrictEqual(counted, [])

      // The next run's receiver has nothing new: the source sends only what follows the acknowledged lines.
      const sc2 = yield* makeSparkContext(walConf)
      const ssc2 = yield* StreamingContext.getOrCreate(checkpointDir, application(sc2, checkpointDir, [], counted))
      yield* ssc2.start()
      assert.strictEqual(ssc2.graph.zeroTime, NOW)
      yield* Testing.advanceBatches(ssc2, 1)
      assert.deepStrictEqual(counted, [1, 2, 3])
      // It recovered from the first checkpoint, of the zero time, written before the block was taken.
      assert.isTrue(fs.existsSync(`${checkpointDir}/checkpoint-${NOW}`))
      yield* ssc2.stop({ stopSparkContext: true, stopGracefully: false })
    })))
})
