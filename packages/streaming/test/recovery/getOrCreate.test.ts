/**
 * Metadata checkpoints and StreamingContext.getOrCreate on the test clock:
 * a file-stream application stopped with a batch in flight recovers from
 * its checkpoint directory, runs the unfinished batch on the same files and
 * the down-time batches, and counts every line once; a stateful stream's
 * state is read back from its RDD checkpoints; a graph of another shape, a
 * queue stream or a damaged RDD checkpoint is refused by name.
 */
import { assert, describe, it } from "@effect/vitest"
import { type SparkContext } from "@tspark/core"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { randomUUID } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { shapeOf } from "../../src/internal/graphShape.js"
import { readCheckpoint } from "../../src/internal/recovery.js"
import * as StreamingContext from "../../src/StreamingContext.js"
import * as Testing from "../../src/testing/index.js"
import { waitUntil } from "../utils/realTime.js"
import { makeSparkContext, tempDir } from "../utils/streaming.js"

const NOW = 1_700_000_000_000

const writeFile = (dir: string, name: string, lines: ReadonlyArray<string>, mtimeMs: number) => {
  const file = path.join(dir, name)
  fs.writeFileSync(file, lines.join("\n") + "\n")
  fs.utimesSync(file, mtimeMs / 1000, mtimeMs / 1000)
}

const checkpointFiles = (dir: string) => fs.readdirSync(dir).filter((name) => /^checkpoint-\d+$/.test(name))

/** Real time passes (the checkpoint writer works on the file system) while the test clock stands still. */
const waitFor = (check: () => boolean) => waitUntil(check, "checkpoint files")

/** The application: lines of the files in `input`, collected per batch into `out`, through `transform`. */
const application = (
  sc: SparkContext.SparkContext,
  checkpointDir: string,
  input: string,
  out: Map<number, Array<string>>,
  options: { readonly transform?: (line: string) => string; readonly hangAt?: number; readonly extraMap?: boolean } = {}
) =>
() =>
  Effect.gen(function*() {
    const ssc = yield* StreamingContext.make(sc, { batchDuration: 1000 })
    yield* ssc.checkpoint(checkpointDir)
    const lines = ssc.textFileStream(input).map(options.transform ?? ((line) => line))
    const stream = options.extraMap === true ? lines.map((line) => line.trim()) : lines
    stream.foreachRDD((rdd, time) =>
      time === options.hangAt
        ? Effect.never
        : Effect.map(rdd.collect(), (collected) => void out.set(time, collected))
    )
    return ssc
  })

/**
 * On the test clock at NOW: an input and a checkpoint directory, a
 * SparkContext, and the application started and run for `batches` batches.
 */
const runApplication = (batches: number) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(NOW)
    const input = yield* tempDir("tspark-recovery-in-")
    const checkpointDir = yield* tempDir("tspark-recovery-ckpt-")
    const sc = yield* makeSparkContext()
    const ssc = yield* StreamingContext.getOrCreate(checkpointDir, application(sc, checkpointDir, input, new Map()))
    yield* ssc.start()
    // Batch by batch, as in real time: a checkpoint made while another waits to be written supersedes it.
    for (let k = 1; k <= batches; k++) {
      yield* Testing.advanceBatches(ssc, 1)
      yield* waitFor(() => fs.existsSync(path.join(checkpointDir, `checkpoint-${NOW + k * 1000}`)))
    }
    return { input, checkpointDir, sc, ssc }
  })

describe("StreamingContext.getOrCreate", () => {
  it.effect(
    "recovers a file stream stopped mid-batch: the unfinished batch takes the same files, down-time batches run, no line twice",
    () =>
      Effect.scoped(Effect.gen(function*() {
        yield* TestClock.setTime(NOW)
        const input = yield* tempDir("tspark-recovery-in-")
        const checkpointDir = yield* tempDir("tspark-recovery-ckpt-")
        const batch = (k: number) => NOW + k * 1000
        const first = new Map<number, Array<string>>()
        const second = new Map<number, Array<string>>()
        const lines = (name: string) => [1, 2].map((i) => `${name} ${i}`)

        // The first run: two batches complete, the third hangs when the driver "crashes".
        const sc1 = yield* makeSparkContext()
        let created = 0
        const ssc1 = yield* StreamingContext.getOrCreate(checkpointDir, () => {
          created++
          return application(sc1, checkpointDir, input, first, { hangAt: batch(3) })()
        })
        assert.strictEqual(created, 1)
        yield* ssc1.start()
        writeFile(input, "a.txt", lines("a"), batch(1) - 500)
        yield* Testing.advanceBatches(ssc1, 1)
        writeFile(input, "b.txt", lines("b"), batch(2) - 500)
        yield* Testing.advanceBatches(ssc1, 1)
        writeFile(input, "c.txt", lines("c"), batch(3) - 500)
        yield* TestClock.adjust(1000)
        yield* waitFor(() => fs.existsSync(path.join(checkpointDir, `checkpoint-${batch(3)}`)))
        yield* ssc1.stop({ stopSparkContext: true, stopGracefully: false })
        assert.deepStrictEqual([...first.keys()], [batch(1), batch(2)])
        const saved = (yield* readCheckpoint(checkpointDir))!
        assert.strictEqual(saved.checkpointTime, batch(3))
        assert.deepStrictEqual(saved.pendingTimes, [batch(3)])

        // Down for three batches; a file arrives meanwhile.
        yield* TestClock.adjust(2000)
        writeFile(input, "d.txt", lines("d"), batch(4) + 200)
        yield* TestClock.adjust(1500)

        // The second run: the same shape, another function.
        const sc2 = yield* makeSparkContext()
        const ssc2 = yield* StreamingContext.getOrCreate(
          checkpointDir,
          application(sc2, checkpointDir, input, second, { transform: (line) => line.toUpperCase() })
        )
        yield* ssc2.start()
        assert.strictEqual(ssc2.graph.zeroTime, NOW, "the checkpoint's zero time")
        // Rescheduled at once: batch 3 (pending) and the down-time batches 4, 5 and 6 (the next boundary is batch 7).
        yield* ssc2.awaitCompletedBatches(4)
        yield* ssc2.waitForListeners()
        assert.deepStrictEqual([...second.keys()].sort(), [batch(3), batch(4), batch(5), batch(6)])
        assert.deepStrictEqual(second.get(batch(3)), ["C 1", "C 2"])
        assert.deepStrictEqual(second.get(batch(5)), ["D 1", "D 2"])
        yield* Testing.advanceBatches(ssc2, 1)
        assert.deepStrictEqual(second.get(batch(7)), [])
        const all = [...first.values(), ...second.values()].flat().map((l) => l.toLowerCase()).sort()
        assert.deepStrictEqual(all, [...lines("a"), ...lines("b"), ...lines("c"), ...lines("d")])
        yield* ssc2.stop()
      })),
    30_000
  )

  it.effect(
    "without a checkpoint it uses create; with many batches the directory keeps the newest ten",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const { checkpointDir, ssc } = yield* runApplication(40)
        // Once the writer has written the last batch's checkpoint and dropped the oldest: the newest ten.
        yield* waitFor(() => {
          const files = checkpointFiles(checkpointDir)
          return files.includes(`checkpoint-${NOW + 40_000}`) && files.length <= 10
        })
        assert.isAtLeast(checkpointFiles(checkpointDir).length, 9)
        yield* ssc.stop()
      })),
    30_000
  )

  it.effect(
    "refuses a graph of another shape, naming the first difference, and streams it cannot restore yet",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const { checkpointDir, input, sc, ssc } = yield* runApplication(2)
        yield* ssc.stop({ stopSparkContext: false })
        yield* waitFor(() => checkpointFiles(checkpointDir).length > 0)

        const other = yield* Effect.flip(
          StreamingContext.getOrCreate(checkpointDir, application(sc, checkpointDir, input, new Map(), { extraMap: true }))
        )
        assert.strictEqual(other._tag, "CheckpointRecoveryError")
        assert.match(
          other.message,
          /stream 2 is MappedDStream\[2\] \(slide 1000 ms\) over MappedDStream\[1\] in the application, ForEachDStream\[2\]/
        )

        // A queue stream writes checkpoints, but its RDDs cannot be recovered from them.
        const queueDir = yield* tempDir("tspark-recovery-queue-")
        const queueApp = () =>
          Effect.gen(function*() {
            const ssc = yield* StreamingContext.make(sc, { batchDuration: 1000 })
            yield* ssc.checkpoint(queueDir)
            ssc.queueStream<string>([]).map((line) => line).foreachRDD(() => Effect.void)
            return ssc
          })
        const firstRun = yield* StreamingContext.getOrCreate(queueDir, queueApp)
        yield* firstRun.start()
        yield* Testing.advanceBatches(firstRun, 1)
        yield* firstRun.stop({ stopSparkContext: false })
        yield* waitFor(() => checkpointFiles(queueDir).length > 0)
        const queue = yield* Effect.flip(StreamingContext.getOrCreate(queueDir, queueApp))
        assert.match(queue.message, /QueueInputDStream\[0\] cannot be recovered: a queue stream's RDDs live only in the driver's memory/)

        const elsewhere = yield* tempDir("tspark-recovery-other-")
        const moved = yield* Effect.flip(StreamingContext.getOrCreate(checkpointDir, application(sc, elsewhere, input, new Map())))
        assert.match(moved.message, /give both the same directory/)
      })),
    30_000
  )

  it.effect("skips a newest checkpoint that is corrupt, recovering from the one before", () =>
    Effect.scoped(Effect.gen(function*() {
      const { checkpointDir, ssc } = yield* runApplication(3)
      yield* ssc.stop({ stopSparkContext: false })
      const newest = path.join(checkpointDir, `checkpoint-${NOW + 3000}`)
      yield* waitFor(() => fs.existsSync(newest))
      // The file and its backup (the batch is written twice: once generated, once completed).
      for (const file of [newest, `${newest}.bk`].filter((f) => fs.existsSync(f))) {
        const bytes = fs.readFileSync(file)
        bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0xff
        fs.writeFileSync(file, bytes)
      }
      const recovered = (yield* readCheckpoint(checkpointDir))!
      assert.strictEqual(recovered.checkpointTime, NOW + 2000)
      assert.deepStrictEqual(recovered.graph, shapeOf(ssc.graph))
    })), 30_000)

  it.effect(
    "restores a state from its RDD checkpoints (not from input gone since), recomputes the batches after them; a damaged one is refused",
    () =>
      Effect.scoped(Effect.gen(function*() {
        yield* TestClock.setTime(NOW)
        const input = yield* tempDir("tspark-recovery-in-")
        const checkpointDir = yield* tempDir("tspark-recovery-ckpt-")
        const batch = (k: number) => NOW + k * 1000
        const totals = new Map<number, Array<[string, number]>>()
        const create = (sc: SparkContext.SparkContext, hangAt?: number) => () =>
          Effect.gen(function*() {
            const ssc = yield* StreamingContext.make(sc, { batchDuration: 1000 })
            yield* ssc.checkpoint(checkpointDir)
            ssc.textFileStream(input).map((word) => [word, 1] as [string, number])
              .updateStateByKey((values: Array<number>, total: number | undefined) => values.length + (total ?? 0))
              .checkpoint(2000)
              .foreachRDD((rdd, time) =>
                time === hangAt ? Effect.never : Effect.map(rdd.collect(), (kvs) => void totals.set(time, [...kvs].sort()))
              )
            return ssc
          })

        // Batches 1..5 each read a file; the state is checkpointed at batches 2 and 4; batch 6 hangs at the "crash".
        const sc1 = yield* makeSparkContext()
        const ssc1 = yield* StreamingContext.getOrCreate(checkpointDir, create(sc1, batch(6)))
        yield* ssc1.start()
        for (let k = 1; k <= 5; k++) {
          writeFile(input, `w${k}.txt`, ["x", k % 2 === 0 ? "even" : "odd"], batch(k) - 500)
          yield* Testing.advanceBatches(ssc1, 1)
        }
        yield* TestClock.adjust(1000)
        yield* waitFor(() => fs.existsSync(path.join(checkpointDir, `checkpoint-${batch(6)}`)))
        yield* ssc1.stop({ stopSparkContext: true, stopGracefully: false })
        const saved = (yield* readCheckpoint(checkpointDir))!
        const stateIndex = saved.graph.streams.findIndex((stream) => stream.kind === "StateDStream")
        assert.deepStrictEqual(saved.rddCheckpoints[stateIndex]!.map(([time]) => time), [batch(2), batch(4)])

        // The files that batches 1..4 read are gone: only the checkpoint of batch 4 can give their counts.
        for (let k = 1; k <= 4; k++) fs.rmSync(path.join(input, `w${k}.txt`))
        const expected: Array<[string, number]> = [["even", 2], ["odd", 3], ["x", 5]]

        // A damaged RDD checkpoint is refused, naming the stream and batch, and leaves the graph unrestored.
        const part = path.resolve(checkpointDir, saved.rddCheckpoints[stateIndex]![1]![1], "part-00000")
        const intact = fs.readFileSync(part)
        const damaged = Buffer.from(intact)
        damaged[damaged.length - 1] ^= 0xff
        fs.writeFileSync(part, damaged)
        const sc2 = yield* makeSparkContext()
        const refused = yield* Effect.flip(StreamingContext.getOrCreate(checkpointDir, create(sc2)))
        assert.strictEqual(refused._tag, "CheckpointRecoveryError")
        assert.match(refused.message, new RegExp(`StateDStream\\[${stateIndex}\\] at batch ${batch(4)} cannot be restored: .*is damaged`))
        fs.writeFileSync(part, intact)

        // What an earlier crashed run left that the checkpoint does not name is removed at recovery.
        const leftover = path.join(checkpointDir, randomUUID(), "rdd-99")
        fs.mkdirSync(leftover, { recursive: true })
        fs.writeFileSync(path.join(leftover, "part-00000"), "old")
        const ssc2 = yield* StreamingContext.getOrCreate(checkpointDir, create(sc2))
        assert.isFalse(fs.existsSync(path.dirname(leftover)))
        for (const [, relative] of saved.rddCheckpoints[stateIndex]!) assert.isTrue(fs.existsSync(path.resolve(checkpointDir, relative)))
        yield* ssc2.start()
        // Batch 6 (pending) runs again at once: its state comes from batch 4's checkpoint and batch 5's file.
        yield* ssc2.awaitCompletedBatches(1)
        yield* ssc2.waitForListeners()
        assert.deepStrictEqual(totals.get(batch(6)), expected)
        writeFile(input, "w7.txt", ["x"], batch(7) - 500)
        yield* Testing.advanceBatches(ssc2, 1)
        assert.deepStrictEqual(totals.get(batch(7)), [["even", 2], ["odd", 3], ["x", 6]])
        yield* ssc2.stop()
      })),
    30_000
  )
})
