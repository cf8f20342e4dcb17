/**
 * Property (fast-check, test clock): for random file-stream pipelines
 * (stateless, windows, state through updateStateByKey, mapWithState and a
 * window with an inverse, unions), files and crash points, an application
 * stopped with a batch in flight and
 * recovered with getOrCreate after some batches of down time produces, batch
 * by batch, what an uninterrupted run produces (output kept per batch time,
 * as an idempotent sink keeps it).
 */
import { assert, describe, it } from "@effect/vitest"
import type { SparkContext } from "@tspark/core"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import fc from "fast-check"
import * as fs from "node:fs"
import * as path from "node:path"
import type { DStream } from "../../src/dstream/DStream.js"
import type { State } from "../../src/dstream/State.js"
import * as StreamingContext from "../../src/StreamingContext.js"
import * as Testing from "../../src/testing/index.js"
import { waitUntil } from "../utils/realTime.js"
import { checkProperty, makeSparkContext, tempDir } from "../utils/streaming.js"

const NOW = 1_700_000_000_000
const BATCHES = 10

type Pipeline = "identity" | "mapFilter" | "window" | "state" | "mapWithState" | "inverseWindow" | "union"

/** Per line, its batch and file: `b3 f1`. */
const source = (line: string): [string, number] => [line.slice(0, line.indexOf(" line")), 1]
const add = (a: number, b: number) => a + b

// The stateful pipelines checkpoint their RDDs every 2 batches, so that a recovery reads state back from
// RDD checkpoint files (and recomputes the batches after the last one) within the run's 10 batches.
const pipelines: Record<Pipeline, (lines: DStream<string>) => DStream<string>> = {
  identity: (lines) => lines,
  mapFilter: (lines) => lines.map((line) => line.toUpperCase()).filter((line) => !line.endsWith("0")),
  window: (lines) => lines.window(3000, 1000),
  state: (lines) =>
    lines.map(source).updateStateByKey((values: Array<number>, total: number | undefined) => values.reduce(add, total ?? 0))
      .checkpoint(2000).map(([key, total]) => `${key}=${total}`),
  mapWithState: (lines) =>
    lines.map((line) => [line.slice(line.indexOf(" f") + 1, line.indexOf(" line")), 1] as [string, number])
      .mapWithState({
        func: (key: string, value: number | undefined, state: State<number>) => {
          const seen = (state.getOption() ?? 0) + (value ?? 0)
          state.update(seen)
          return `${key}#${seen}`
        }
      }).checkpoint(2000),
  inverseWindow: (lines) =>
    lines.map(source).reduceByKeyAndWindow(add, (a, b) => a - b, 3000, 1000).checkpoint(2000)
      .map(([key, count]) => `${key}:${count}`),
  union: (lines) => lines.union(lines.map((line) => line.toUpperCase()).window(2000, 1000))
}

const application = (
  sc: SparkContext.SparkContext,
  checkpointDir: string,
  input: string,
  pipeline: Pipeline,
  out: Map<number, Array<string>>,
  hangAt?: number
) =>
() =>
  Effect.gen(function*() {
    const ssc = yield* StreamingContext.make(sc, { batchDuration: 1000 })
    yield* ssc.checkpoint(checkpointDir)
    pipelines[pipeline](ssc.textFileStream(input)).foreachRDD((rdd, time) =>
      time === hangAt ? Effect.never : Effect.map(rdd.collect(), (lines) => void out.set(time, [...lines].sort()))
    )
    return ssc
  })

/** Files for batches 1..BATCHES, each with the modification time of its batch, all written up front. */
const writeFiles = (dir: string, files: ReadonlyArray<ReadonlyArray<number>>) => {
  files.forEach((counts, k) => {
    counts.forEach((lines, f) => {
      const file = path.join(dir, `b${k + 1}-${f}.txt`)
      fs.writeFileSync(file, Array.from({ length: lines }, (_, i) => `b${k + 1} f${f} line ${i}`).join("\n") + "\n")
      const mtime = (NOW + (k + 1) * 1000 - 300 - f) / 1000
      fs.utimesSync(file, mtime, mtime)
    })
  })
}

describe("recovery properties", () => {
  it.effect("a recovered run produces every batch's output as an uninterrupted run does (property)", () =>
    checkProperty(
      fc.record({
        pipeline: fc.constantFrom<Pipeline>("identity", "mapFilter", "window", "state", "mapWithState", "inverseWindow", "union"),
        files: fc.array(fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 2 }), { minLength: BATCHES, maxLength: BATCHES }),
        crashAt: fc.integer({ min: 2, max: BATCHES - 2 }),
        down: fc.integer({ min: 0, max: 3 })
      }),
      ({ crashAt, down, files, pipeline }) =>
        Effect.gen(function*() {
          const batch = (k: number) => NOW + k * 1000

          // The reference: one uninterrupted run.
          yield* TestClock.setTime(NOW)
          const referenceInput = yield* tempDir("tspark-prop-in-")
          writeFiles(referenceInput, files)
          const expected = new Map<number, Array<string>>()
          const sc0 = yield* makeSparkContext()
          const reference = yield* application(sc0, yield* tempDir("tspark-prop-ckpt-"), referenceInput, pipeline, expected)()
          yield* reference.start()
          yield* Testing.advanceBatches(reference, BATCHES)
          yield* reference.stop()

          // The same application, stopped while batch `crashAt` runs, then recovered after `down` batches.
          yield* TestClock.setTime(NOW)
          const input = yield* tempDir("tspark-prop-in-")
          writeFiles(input, files)
          const checkpointDir = yield* tempDir("tspark-prop-ckpt-")
          const output = new Map<number, Array<string>>()
          const sc1 = yield* makeSparkContext()
          const first = yield* StreamingContext.getOrCreate(
            checkpointDir,
            application(sc1, checkpointDir, input, pipeline, output, batch(crashAt))
          )
          yield* first.start()
          yield* Testing.advanceBatches(first, crashAt - 1)
          yield* TestClock.adjust(1000)
          const written = path.join(checkpointDir, `checkpoint-${batch(crashAt)}`)
          yield* waitUntil(() => fs.existsSync(written), `the checkpoint of batch ${crashAt}`)
          yield* first.stop({ stopGracefully: false })
          yield* TestClock.adjust(down * 1000 + 500)

          const sc2 = yield* makeSparkContext()
          const second = yield* StreamingContext.getOrCreate(checkpointDir, application(sc2, checkpointDir, input, pipeline, output))
          // A state checkpointed at batch 2 (every 2 batches) is read back from its RDD checkpoint files.
          if ((pipeline === "state" || pipeline === "inverseWindow") && crashAt >= 3) {
            const restored = second.graph.streams.flatMap((stream) => [...stream.generatedRDDs.values()])
            assert.isTrue(restored.some((rdd) => rdd.checkpointDirectory !== undefined), "no state restored from an RDD checkpoint")
          }
          yield* second.start()
          // The rescheduled batches run at once; then the timer goes on to the last batch.
          const rescheduled = [...new Set([crashAt, ...Array.from({ length: down + 1 }, (_, i) => crashAt + i)])].length
          yield* second.awaitCompletedBatches(rescheduled)
          const last = crashAt + down
          if (last < BATCHES) yield* Testing.advanceBatches(second, BATCHES - last)
          yield* second.waitForListeners()
          yield* second.stop()

          for (let k = 1; k <= BATCHES; k++) {
            assert.deepStrictEqual(output.get(batch(k)), expected.get(batch(k)), `batch ${k} (crash at ${crashAt}, ${down} down)`)
          }
        }),
      { numRuns: 20 }
    ), 240_000)
})
