// The shape the receiver write-ahead log recovery tests share: a reliable
// receiver that stores its records as one block, and an application that
// collects each batch's records, started (or recovered from its checkpoint)
// on a fresh SparkContext with the receiver write-ahead log on.
import { type SparkContext, StorageLevel } from "@tspark/core"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { Receiver } from "../../src/receiver/Receiver.js"
import * as StreamingContext from "../../src/StreamingContext.js"
import { waitUntil } from "../utils/realTime.js"
import { makeSparkContext, tempDir } from "../utils/streaming.js"

/** The test clock's time when a test begins: the first context's zero time. */
export const NOW = 1_700_000_000_000
/** The batch interval, in milliseconds. */
export const BATCH = 5000
const walConf = { "spark.streaming.receiver.writeAheadLog.enable": "true" }

/** What the receivers acknowledged to their source, in this process. */
export const acknowledged: Array<number> = []

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

/** Sets the test clock to `NOW` and makes a checkpoint directory for the current scope. */
export const freshCheckpointDir = (prefix: string) => Effect.andThen(TestClock.setTime(NOW), tempDir(prefix))

/**
 * Starts the application on a new SparkContext with the receiver write-ahead
 * log on: recovered from the checkpoint in `checkpointDir` when there is one,
 * else a new one whose receiver stores `records`. Each batch's records are
 * pushed to `counted`.
 */
export const startApplication = (checkpointDir: string, records: ReadonlyArray<number>, counted: Array<number> = []) =>
  Effect.gen(function*() {
    const sc = yield* makeSparkContext(walConf)
    const ssc = yield* StreamingContext.getOrCreate(checkpointDir, application(sc, checkpointDir, records, counted))
    yield* ssc.start()
    return { ssc, counted }
  })

/** Waits until the receiver's block reached the tracker (not yet allocated to a batch). */
export const blockReported = (ssc: StreamingContext.StreamingContext) =>
  waitUntil(() => ssc.receiverTracker()?.hasUnallocatedBlocks === true, "the block reported")
