/**
 * A long run on the test clock: thousands of 100 ms batches of a windowed and
 * a stateful stream with a checkpoint directory, the web UI and the event
 * log on. What the run holds (blocks, registered shuffles, generated RDDs,
 * checkpoint files, what the UI's stores keep) must stay under a bound that
 * does not grow with the number of batches, and the results must stay right.
 */
import { assert, describe, it } from "@effect/vitest"
import type { RDD } from "@tspark/core"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as Testing from "../../src/testing/index.js"
import { makeStreaming, tempDir } from "../utils/streaming.js"

const BATCHES = 3000
const SAMPLE_EVERY = 10
const KEYS = 20
const RECORDS = 40

interface Sample {
  readonly batch: number
  readonly blocks: number
  readonly shuffles: number
  readonly rdds: number
  readonly checkpointFiles: number
  readonly metadataFiles: number
  /** What the UI's status store keeps: jobs, stages, task samples, cached RDDs and blocks, ... (summed). */
  readonly statusEntries: number
}

/** Files of the RDD checkpoints (in their rdd-<id> directories). */
const countFiles = (dir: string): number => {
  let files = 0
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.parentPath !== dir) files++
  }
  return files
}

/** The metadata checkpoints at the top of the directory (`checkpoint-<time>`, their `.bk`, one being written). */
const countMetadataFiles = (dir: string): number => fs.readdirSync(dir).filter((name) => name.startsWith("checkpoint-")).length

const maxOf = (samples: ReadonlyArray<Sample>, key: Exclude<keyof Sample, "batch">) => Math.max(...samples.map((s) => s[key]))

describe("long runs", () => {
  it.effect(`${BATCHES} batches of a window and a state stay bounded`, () =>
    Effect.scoped(Effect.gen(function*() {
      // Each batch's ClearMetadata ends with doCheckpoint(time, true): count them, to sample after the cleanup.
      let cleared = 0
      const hooks = { doCheckpoint: (_time: number, clearLater: boolean) => Effect.sync(() => void (clearLater && cleared++)) }
      const eventLogDir = yield* tempDir("tspark-soak-events-")
      const ui = {
        "spark.ui.enabled": true,
        "spark.ui.port": 0,
        "spark.ui.retainedJobs": 200,
        "spark.ui.retainedStages": 200,
        "spark.streaming.ui.retainedBatches": 100,
        "spark.eventLog.enabled": true,
        "spark.eventLog.dir": eventLogDir
      }
      const { sc, ssc } = yield* makeStreaming({ batchDuration: 100, checkpoint: false, hooks, conf: ui })
      const checkpointDir = yield* tempDir("tspark-soak-ckpt-")
      yield* ssc.checkpoint(checkpointDir)
      const queue: Array<RDD.RDD<number>> = []
      const pairs = ssc.queueStream(queue, true).map((n) => [n % KEYS, 1] as [number, number])
      const windowed = pairs.reduceByKeyAndWindow((a, b) => a + b, "1 second", "100 millis")
      const state = pairs.updateStateByKey((values: Array<number>, total: number | undefined) => {
        let sum = total ?? 0
        for (const v of values) sum += v
        return sum
      })
      let windowTotal = 0
      let stateTotal = 0
      windowed.foreachRDD((rdd) => Effect.map(rdd.collect(), (kvs) => void (windowTotal = kvs.reduce((a, [, n]) => a + n, 0))))
      state.foreachRDD((rdd) => Effect.map(rdd.collect(), (kvs) => void (stateTotal = kvs.reduce((a, [, n]) => a + n, 0))))

      const samples: Array<Sample> = []
      for (let batch = 1; batch <= BATCHES; batch++) {
        queue.push(sc.parallelize(Array.from({ length: RECORDS }, (_, i) => batch * RECORDS + i), 2))
        yield* Testing.runToBatch(ssc, batch)
        if (batch % SAMPLE_EVERY === 0) {
          for (let i = 0; i < 10_000 && cleared < batch; i++) yield* Effect.yieldNow
          assert.strictEqual(cleared, batch)
          // The cleanup's events run on the DAG scheduler's loop, in order: a job after them sees them done.
          yield* sc.parallelize([0], 1).count()
          let rdds = 0
          for (const stream of ssc.graph.streams) rdds += stream.generatedRDDs.size
          samples.push({
            batch,
            blocks: sc.blockManagerMaster.blockCount,
            shuffles: sc.mapOutputTracker.shuffleCount,
            rdds,
            checkpointFiles: countFiles(checkpointDir),
            metadataFiles: countMetadataFiles(checkpointDir),
            statusEntries: Object.values(sc.statusStore.sizes()).reduce((a, b) => a + b, 0)
          })
        }
      }
      // Results stay right: the state counts every record, the window the last 10 batches'.
      assert.strictEqual(stateTotal, BATCHES * RECORDS)
      // The reported batch times are the most recent 1,000; the count covers them all.
      assert.strictEqual(ssc.numCompletedBatches, BATCHES)
      assert.strictEqual(ssc.completedBatchTimes.length, 1000)
      assert.strictEqual(ssc.generatedBatchTimes.length, 1000)
      assert.strictEqual(ssc.completedBatchTimes.at(-1), ssc.completedBatchTimes[0]! + 999 * 100)
      assert.strictEqual(windowTotal, 10 * RECORDS)

      // The counts up to batch 1,000 bound those of the last third: nothing grows with the run. (Block
      // counts vary by a few between checkpoint cycles, with the keys each shuffle bucket receives: 1 %.)
      const upTo1000 = samples.filter((s) => s.batch >= 500 && s.batch <= 1000)
      const lastThird = samples.filter((s) => s.batch > (2 * BATCHES) / 3)
      for (const key of ["blocks", "shuffles", "rdds", "checkpointFiles", "statusEntries"] as const) {
        const early = maxOf(upTo1000, key)
        const late = maxOf(lastThird, key)
        assert.isAtMost(late, Math.ceil(early * 1.01), `${key} grew: ${early} by batch 1000, ${late} later`)
      }
      // Fixed bounds, from the pipeline: the state stream remembers 2 checkpoint intervals (20 s = 200
      // batches), and each remembered state RDD reaches back to its last checkpoint (at most 100 batches),
      // through 2 shuffles per batch (the state and the batch are both repartitioned by the cogroup).
      assert.isAtMost(maxOf(lastThird, "rdds"), 650)
      assert.isAtMost(maxOf(lastThird, "shuffles"), 2 * (200 + 100) + 50)
      assert.isAtMost(maxOf(lastThird, "blocks"), 3000)
      // Two partitions and a _metadata file per checkpoint; at most three checkpoints of the state stream
      // remembered, and one forgotten one kept until a metadata checkpoint that no longer names it is on disk.
      assert.isAtMost(maxOf(lastThird, "checkpointFiles"), 4 * 3)
      // The newest ten metadata checkpoints, each with its backup, and one more being written.
      assert.isAtMost(maxOf(samples, "metadataFiles"), 2 * 10 + 2)
      // The UI keeps what its settings say: 200 jobs, 200 stages, 100 batches.
      yield* sc.waitForListeners()
      const store = sc.statusStore.sizes()
      assert.isAtMost(store.jobs, 200)
      assert.isAtMost(store.stages, 200)
      const api = `${sc.uiWebUrl}/api/v1/applications/${sc.applicationId}`
      const batches = yield* Effect.promise(() => fetch(`${api}/streaming/batches`).then((r) => r.json() as Promise<Array<unknown>>))
      assert.strictEqual(batches.length, 100)
      const jobs = yield* Effect.promise(() => fetch(`${api}/jobs`).then((r) => r.json() as Promise<Array<unknown>>))
      assert.strictEqual(jobs.length, 200)
    })), 240_000)
})
