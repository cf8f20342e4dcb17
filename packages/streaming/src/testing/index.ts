/**
 * The testing kit: run a DStream operation over given input batches on the
 * test clock and get each batch's output. What Spark's `TestSuiteBase` is to
 * Spark's own tests, and what property tests of stream operations build on.
 *
 * @since 0.1.0
 */
import { SparkContext } from "@tspark/core"
import { Effect, Exit } from "effect"
import { TestClock } from "effect/testing"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import type { DStream } from "../dstream/DStream.js"
import * as InputDStream from "../dstream/InputDStream.js"
import * as StreamingContext from "../StreamingContext.js"
import { IllegalStateError, type StreamingError } from "../StreamingError.js"

/**
 * Options of a test run.
 *
 * @category models
 * @since 0.1.0
 */
export interface RunOptions {
  /** The batch interval in ms (default 1000). */
  readonly batchDurationMs?: number
  /** How many batches to run (default: as many as input batches). */
  readonly numBatches?: number
  /** Partitions of each input batch's RDD (default 2). */
  readonly numInputPartitions?: number
  /** The master of the SparkContext (default `local[2]`). */
  readonly master?: string
  /** More SparkContext configuration (e.g. `spark.tspark.local.shipTasks` to check that an operation ships). */
  readonly conf?: Readonly<Record<string, string | number | boolean>>
}

const withContext = <A>(
  options: RunOptions,
  body: (ssc: StreamingContext.StreamingContext, sc: SparkContext.SparkContext) => Effect.Effect<A, unknown>
) =>
  Effect.scoped(Effect.gen(function*() {
    // Made first, so that it is removed last: after the context (and its checkpoint writer) stopped.
    const checkpointDir = fs.mkdtempSync(path.join(os.tmpdir(), "tspark-test-checkpoint-"))
    yield* Effect.addFinalizer(() => Effect.sync(() => fs.rmSync(checkpointDir, { recursive: true, force: true })))
    const sc = yield* SparkContext.make({ master: options.master ?? "local[2]", appName: "tspark-test", conf: options.conf ?? {} })
    const ssc = yield* StreamingContext.make(sc, { batchDuration: options.batchDurationMs ?? 1000 })
    yield* ssc.checkpoint(checkpointDir)
    return yield* body(ssc, sc)
  }))

/**
 * Starts `ssc`, advances the test clock batch by batch and waits until
 * `numBatches` batches have completed; fails with the error of a failed job.
 *
 * **Example**
 * ```ts
 * yield* Testing.runToBatch(ssc, 3)
 * ```
 *
 * @category testing
 * @since 0.1.0
 */
export const runToBatch = (ssc: StreamingContext.StreamingContext, numBatches: number): Effect.Effect<void, StreamingError> =>
  Effect.gen(function*() {
    if (ssc.getState() === "INITIALIZED") yield* ssc.start()
    yield* advanceBatches(ssc, numBatches - ssc.numCompletedBatches)
  })

/**
 * Advances the test clock by `count` batch intervals, one at a time, waiting
 * for each batch to complete. Fails with the error of a failed job.
 *
 * @category testing
 * @since 0.1.0
 */
export const advanceBatches = (ssc: StreamingContext.StreamingContext, count: number): Effect.Effect<void, StreamingError> =>
  Effect.gen(function*() {
    for (let i = 0; i < count; i++) {
      const target = ssc.numCompletedBatches + 1
      yield* TestClock.adjust(ssc.batchDurationMs)
      const finished = yield* Effect.raceFirst(
        Effect.as(ssc.awaitCompletedBatches(target), "batch" as const),
        Effect.as(ssc.awaitTermination(), "terminated" as const)
      )
      if (finished === "terminated") {
        return yield* new IllegalStateError({ message: "the StreamingContext stopped before the batch completed" })
      }
    }
    // A job may have failed in the last batch: surface it.
    const status = yield* Effect.exit(ssc.awaitTerminationOrTimeout(0))
    if (Exit.isFailure(status)) return yield* Effect.failCause(status.cause)
  })

/**
 * Advances the test clock by `count` batch intervals, one at a time, waiting
 * for each batch to complete whether its jobs succeeded or failed: for tests
 * of what follows a failed batch (`advanceBatches` fails with the first
 * failed job, and the context keeps reporting it). Fails at once on a
 * stopped context.
 *
 * **Example**
 * ```ts
 * source.setDown(true)
 * yield* Testing.advanceBatchesThroughFailures(ssc, 2) // both batches fail; the test checks what listeners heard
 * ```
 *
 * @category testing
 * @since 0.1.0
 */
export const advanceBatchesThroughFailures = (
  ssc: StreamingContext.StreamingContext,
  count: number
): Effect.Effect<void, IllegalStateError> =>
  Effect.gen(function*() {
    for (let i = 0; i < count; i++) {
      if (ssc.getState() === "STOPPED") {
        return yield* new IllegalStateError({ message: "the StreamingContext is stopped: no batch can complete" })
      }
      const target = ssc.numCompletedBatches + 1
      yield* TestClock.adjust(ssc.batchDurationMs)
      yield* ssc.awaitCompletedBatches(target)
    }
  })

/**
 * An input stream whose RDD at batch `zeroTime + (i + 1) x batchDuration` holds
 * `batches[i]` (empty after the last), as Spark's `TestInputStream`. Unlike a
 * queue stream, a batch's input does not depend on whether anything asked for
 * the earlier batches (a window sliding over several batches skips some).
 */
const testInputStream = <T>(
  ssc: StreamingContext.StreamingContext,
  sc: SparkContext.SparkContext,
  batches: ReadonlyArray<ReadonlyArray<T>>,
  partitions: number
): DStream<T> => {
  return InputDStream.make<T>(ssc, {
    name: "TestInputStream",
    dependencies: [],
    compute: (time, self) => {
      const index = Math.round((time - (self.zeroTime ?? 0)) / ssc.batchDurationMs) - 1
      return sc.parallelize([...(batches[index] ?? [])], partitions)
    }
  })
}

const collectOutput = <U>(stream: DStream<U>, outputs: Map<number, Array<U>>) =>
  stream.foreachRDD((rdd, time) => Effect.map(rdd.collect(), (values) => void outputs.set(time, values)))

const batchesInOrder = <U>(outputs: Map<number, Array<U>>): Array<Array<U>> =>
  [...outputs.entries()].sort((a, b) => a[0] - b[0]).map(([, values]) => values)

/**
 * Runs `operation` over `input` (one array per batch, each an RDD of
 * `numInputPartitions` partitions; batch `i` is the input of the batch at
 * `zeroTime + (i + 1) x batchDuration`, as Spark's `TestInputStream`) for `numBatches`
 * batches on the test clock, and returns each batch's collected output. Use
 * inside a test that provides the `TestClock` (such as `it.effect`).
 *
 * **Example**
 * ```ts
 * const out = yield* Testing.runBatchesEffect([[1, 2], [3]], (s) => s.map((x) => x * 2))
 * // [[2, 4], [6]]
 * ```
 *
 * @category testing
 * @since 0.1.0
 */
export const runBatchesEffect = <T, U>(
  input: ReadonlyArray<ReadonlyArray<T>>,
  operation: (stream: DStream<T>) => DStream<U>,
  options: RunOptions = {}
): Effect.Effect<Array<Array<U>>, unknown> =>
  withContext(options, (ssc, sc) =>
    Effect.gen(function*() {
      const partitions = options.numInputPartitions ?? 2
      const outputs = new Map<number, Array<U>>()
      collectOutput(operation(testInputStream(ssc, sc, input, partitions)), outputs)
      yield* runToBatch(ssc, options.numBatches ?? input.length)
      return batchesInOrder(outputs)
    }))

/**
 * The two-input form of `runBatchesEffect`.
 *
 * @category testing
 * @since 0.1.0
 */
export const runBatches2Effect = <T1, T2, U>(
  input1: ReadonlyArray<ReadonlyArray<T1>>,
  input2: ReadonlyArray<ReadonlyArray<T2>>,
  operation: (stream1: DStream<T1>, stream2: DStream<T2>) => DStream<U>,
  options: RunOptions = {}
): Effect.Effect<Array<Array<U>>, unknown> =>
  withContext(options, (ssc, sc) =>
    Effect.gen(function*() {
      const partitions = options.numInputPartitions ?? 2
      const outputs = new Map<number, Array<U>>()
      collectOutput(
        operation(testInputStream(ssc, sc, input1, partitions), testInputStream(ssc, sc, input2, partitions)),
        outputs
      )
      yield* runToBatch(ssc, options.numBatches ?? Math.max(input1.length, input2.length))
      return batchesInOrder(outputs)
    }))

/**
 * `runBatchesEffect` as a Promise, on its own test clock.
 *
 * **Example**
 * ```ts
 * const out = await Testing.runBatches([["a b"], ["b"]], (s) => s.flatMap((l) => l.split(" ")).countByValue())
 * ```
 *
 * @category testing
 * @since 0.1.0
 */
export const runBatches = <T, U>(
  input: ReadonlyArray<ReadonlyArray<T>>,
  operation: (stream: DStream<T>) => DStream<U>,
  options: RunOptions = {}
): Promise<Array<Array<U>>> => Effect.runPromise(Effect.provide(runBatchesEffect(input, operation, options), TestClock.layer()))

/**
 * `runBatches2Effect` as a Promise, on its own test clock.
 *
 * @category testing
 * @since 0.1.0
 */
export const runBatches2 = <T1, T2, U>(
  input1: ReadonlyArray<ReadonlyArray<T1>>,
  input2: ReadonlyArray<ReadonlyArray<T2>>,
  operation: (stream1: DStream<T1>, stream2: DStream<T2>) => DStream<U>,
  options: RunOptions = {}
): Promise<Array<Array<U>>> => Effect.runPromise(Effect.provide(runBatches2Effect(input1, input2, operation, options), TestClock.layer()))

/** @since 0.1.0 */
export * as InMemoryDirectSource from "./InMemoryDirectSource.js"
