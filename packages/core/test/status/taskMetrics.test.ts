/**
 * Task metrics and what the status store keeps of them, on real runs: a
 * word count's shuffle records written equal the records read, on the
 * in-process backend, worker-thread executors and process executors; a text
 * file's bytes and lines as input; stage totals, executors' shuffle totals
 * and the summary quantiles; the Storage page's cached RDD and the
 * executors' memory, gone after unpersist; the environment (secrets
 * redacted) and the application's attempt.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import type { SparkListenerEvent } from "../../src/scheduler/SparkListener.js"
import * as SparkContext from "../../src/SparkContext.js"
import * as StorageLevel from "../../src/storage/StorageLevel.js"

type TaskEnd = Extract<SparkListenerEvent, { _tag: "TaskEnd" }>

const words = ["a", "b", "a", "c", "b", "a", "d", "e"]

describe("task metrics", () => {
  for (const master of ["local[2]", "local-cluster[2,1,128]", "local-process[2,1,128]"]) {
    it.live(`${master}: a word count's shuffle records written are the records read; stage totals and executors agree`, () =>
      Effect.scoped(Effect.gen(function*() {
        const sc = yield* SparkContext.make({ master })
        const ends: Array<TaskEnd> = []
        sc.addSparkListener({ onTaskEnd: (e) => void ends.push(e) })
        const counts = yield* sc.parallelize(words, 4).map((w) => [w, 1] as const).reduceByKey((a, b) => a + b, 3).collect()
        assert.strictEqual(counts.length, 5)
        yield* sc.waitForListeners()
        assert.strictEqual(ends.length, 7)
        assert.isTrue(ends.every((e) => e.taskMetrics !== undefined), "every task that ran has metrics")
        const maps = ends.filter((e) => e.taskType === "ShuffleMapTask").map((e) => e.taskMetrics!)
        const reduces = ends.filter((e) => e.taskType === "ResultTask").map((e) => e.taskMetrics!)
        const written = maps.reduce((n, m) => n + m.shuffleWriteMetrics.recordsWritten, 0)
        const read = reduces.reduce((n, m) => n + m.shuffleReadMetrics.recordsRead, 0)
        // Map-side combine: each map task writes one record per distinct word of its partition ([a,b] [a,c] [b,a] [d,e]).
        assert.strictEqual(written, 8)
        assert.strictEqual(read, written)
        assert.isTrue(maps.every((m) => m.shuffleWriteMetrics.bytesWritten > 0 && m.executorRunTime >= 0))
        assert.isTrue(reduces.every((m) => m.resultSize > 0))
        const blocks = reduces.reduce((n, m) => n + m.shuffleReadMetrics.localBlocksFetched + m.shuffleReadMetrics.remoteBlocksFetched, 0)
        // One block per non-empty (map, reduce) bucket: at least one per word, at most one per record.
        assert.isTrue(blocks >= 5 && blocks <= 8, `${blocks} blocks`)
        if (master !== "local[2]") assert.isTrue(maps.some((m) => m.executorDeserializeTime > 0), "executors decode their tasks")

        const status = sc.statusStore
        const [result, map] = status.stages()
        assert.strictEqual(map!.metrics.shuffleWriteRecords, 8)
        assert.strictEqual(result!.metrics.shuffleReadRecords, 8)
        const distributions = status.taskMetricDistributions(map!.stageId)!
        assert.strictEqual(distributions.count, 4)
        assert.strictEqual(distributions.shuffleWriteRecords.max, 2)
        const executors = status.executors()
        assert.strictEqual(executors.reduce((n, e) => n + e.totalShuffleWrite, 0), map!.metrics.shuffleWriteBytes)
        assert.strictEqual(executors.reduce((n, e) => n + e.totalShuffleRead, 0), result!.metrics.shuffleReadBytes)
      })))
  }

  it.live("a text file's input: its bytes and lines", () =>
    Effect.scoped(Effect.gen(function*() {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tspark-input-")), "lines.txt")
      fs.writeFileSync(file, "one\ntwo\nthree\n")
      const sc = yield* SparkContext.make({ master: "local[1]" })
      assert.strictEqual(yield* sc.textFile(file, 1).count(), 3)
      yield* sc.waitForListeners()
      const [stage] = sc.statusStore.stages()
      assert.strictEqual(stage!.metrics.inputRecords, 3)
      assert.strictEqual(stage!.metrics.inputBytes, 14)
      assert.strictEqual(sc.statusStore.executors()[0]!.totalInputBytes, 14)
    })))
})

describe("the status store's storage, environment and application", () => {
  it.live("a cached RDD is listed with its partitions and memory, and leaves with unpersist", () =>
    Effect.scoped(Effect.gen(function*() {
      const sc = yield* SparkContext.make({ master: "local[2]" })
      const cached = sc.parallelize([1, 2, 3, 4, 5, 6], 3).map((x) => x * 2).setName("doubled").persist(StorageLevel.MEMORY_ONLY)
      yield* cached.count()
      yield* sc.waitForListeners()
      const [info] = sc.statusStore.rddStorage()
      assert.strictEqual(info!.id, cached.id)
      assert.strictEqual(info!.name, "doubled")
      assert.strictEqual(info!.numPartitions, 3)
      assert.strictEqual(info!.numCachedPartitions, 3)
      assert.strictEqual(info!.storageLevel, "Memory Deserialized 1x Replicated")
      assert.isTrue(info!.memoryUsed > 0)
      assert.deepStrictEqual(info!.partitions.map((p) => p.executors), [["driver"], ["driver"], ["driver"]])
      const [driver] = sc.statusStore.executors()
      assert.strictEqual(driver!.memoryUsed, info!.memoryUsed)
      assert.strictEqual(driver!.rddBlocks, 3)
      const stage = sc.statusStore.stages()[0]!
      assert.deepStrictEqual(stage.rddInfos.map((r) => [r.rddId, r.scope]), [[cached.id, "map"], [cached.id - 1, "parallelCollection"]])
      cached.unpersist()
      yield* sc.waitForListeners()
      assert.deepStrictEqual(sc.statusStore.rddStorage(), [])
      assert.strictEqual(sc.statusStore.executors()[0]!.memoryUsed, 0)
      assert.strictEqual(sc.statusStore.executors()[0]!.rddBlocks, 0)
    })))

  it.live("the environment has the runtime and the properties with secrets redacted; the application its attempt", () =>
    Effect.gen(function*() {
      const sc = yield* Effect.scoped(Effect.gen(function*() {
        const sc = yield* SparkContext.make({
          master: "local[1]",
          appName: "env app",
          conf: { "spark.my.password": "hunter2", "spark.plain": "visible", "spark.url": "token=abc" }
        })
        yield* sc.waitForListeners()
        const env = sc.statusStore.environment()!
        const props = new Map(env.sparkProperties)
        assert.strictEqual(props.get("spark.my.password"), "*********(redacted)")
        assert.strictEqual(props.get("spark.url"), "*********(redacted)")
        assert.strictEqual(props.get("spark.plain"), "visible")
        assert.strictEqual(new Map(env.runtime).get("Node Version"), process.version)
        const running = sc.statusStore.applicationInfo()!
        assert.strictEqual(running.name, "env app")
        assert.strictEqual(running.id, sc.applicationId)
        assert.isFalse(running.attempts[0]!.completed)
        assert.strictEqual(running.attempts[0]!.endTime, -1)
        return sc
      }))
      const done = sc.statusStore.applicationInfo()!.attempts[0]!
      assert.isTrue(done.completed)
      assert.strictEqual(done.startTime, sc.startTime)
      assert.isAtLeast(done.duration, 0)
    }))

  it.live("a spark.redaction.regex that does not compile is refused, naming the key", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Effect.scoped(SparkContext.make({ master: "local[1]", conf: { "spark.redaction.regex": "(" } })))
      assert.include(error.message, "spark.redaction.regex")
    }))
})
