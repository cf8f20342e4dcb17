/**
 * The direct (receiver-less) input stream: each batch is a set of offset
 * ranges of a partitioned log, read by the executors, replayable after a
 * failure. No receiver holds data: the source keeps it until a batch reads it.
 *
 * Mirrors `org.apache.spark.streaming.kafka010.DirectKafkaInputDStream`,
 * source-neutral: a `DirectSource` stands for the Kafka consumer, so that
 * each connector package (Kafka, Redis Streams, JetStream) only implements it.
 *
 * Each batch, on the driver:
 * 1. the offsets queued by `commitAsync` are committed to the source (Spark
 *    commits at the next batch too: a commit is queued by output code, so
 *    everything queued before the batch was output already);
 * 2. the source's latest and earliest offsets are read, and each partition's
 *    range runs from the stream's current offset to the latest, clamped by
 *    `maxMessagesPerPartition` of `@tspark/rate-control` (the PID estimate,
 *    split by lag, with `spark.streaming.backpressure.enabled`;
 *    `spark.streaming.backpressure.initialRate` before the first estimate;
 *    `spark.streaming.direct.maxRatePerPartition` and
 *    `spark.streaming.direct.minRatePerPartition`, or Spark's
 *    `spark.streaming.kafka.*` names for them);
 * 3. the batch's RDD (a `DirectRDD`) has one partition per non-empty range,
 *    each preferring the same executor every batch; the ranges and their
 *    record count are the batch's input info.
 *
 * Why the driver step runs before the graph computes: asking a real client
 * for offsets is asynchronous, and a DStream's `compute` is synchronous. The
 * generator runs it where receiver streams allocate their blocks, and
 * `compute` then builds the RDD from the ranges already planned.
 *
 * Reading runs on the executors, as in Spark (the driver never holds a
 * batch's records). Tasks are synchronous (a word count's first stage is a
 * shuffle map task, which cannot await), so a `DirectRDD` partition's read is
 * fetched before its task starts, as an executor fetches remote blocks: the
 * task runner awaits the RDD's `prefetch` (the source's `read`, a promise for
 * an asynchronous client such as kafkajs, ioredis or nats), then the task
 * computes over the records fetched. A batch's partition is held in memory
 * from its fetch to its task's end; the rate limits bound its size.
 * Shipping: each task carries the source's `read` and its range to the
 * executor (a `DataSourceRDD` of core). On a master that ships tasks
 * (worker-thread or process executors) `read` must itself ship: a connector
 * builds it with `Closure.fromModule`, whose module keeps one client per
 * executor. A source whose `read` captures a live client is refused at start
 * with the captured names; on `local[N]` any `read` works.
 *
 * Recovery: the current offsets and the ranges of every batch still
 * remembered are saved in the metadata checkpoint; after a restart the
 * pending batches are generated again with exactly the same ranges, and the
 * next ones continue from the saved offsets.
 *
 * Errors: a source that fails (`DirectSourceError`), an offset out of range
 * with `offsetReset: "fail"`, or a lost partition, found while planning a
 * batch, fail that batch's jobs (listeners hear it; the offsets do not move,
 * so the next batch reads from the same place), and the stream goes on. A
 * read that fails in a task fails its batch as any failed job does.
 *
 * @since 0.1.0
 */
import { Closure, type RDD as RDDModule } from "@tspark/core"
import type { StreamingContextLike } from "../internal/context.js"
import { readSettings } from "../internal/directInput.js"
import { DirectStreamState, register, stateOf } from "../internal/directStream.js"
import { setRecovery } from "../internal/streamRecovery.js"
import * as DirectRDD from "../rdd/DirectRDD.js"
import { InvalidStreamError } from "../StreamingError.js"
import type { DirectSource, OffsetReset } from "./DirectSource.js"
import type { DStream } from "./DStream.js"
import * as InputDStream from "./InputDStream.js"
import type { OffsetRange } from "./OffsetRange.js"

/**
 * Options of a direct stream.
 *
 * - `offsetReset` (default `"latest"`, as Kafka's `auto.offset.reset`): where
 *   a partition without a starting offset starts, and what happens to an
 *   offset the source no longer holds;
 * - `startingOffsets`: the first offset of some partitions (Spark's
 *   `ConsumerStrategies.Subscribe(topics, params, offsets)`).
 *
 * Mirrors the offsets arguments of `ConsumerStrategies.Subscribe`/`Assign`.
 *
 * **Example**
 * ```ts
 * const options: DirectInputDStream.DirectStreamOptions = { offsetReset: "earliest", startingOffsets: new Map([["p-0", 100]]) }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface DirectStreamOptions {
  readonly offsetReset?: OffsetReset
  readonly startingOffsets?: ReadonlyMap<string, number>
}

/**
 * A direct stream over `source`. Bad settings (a negative rate, an
 * unparseable backpressure flag) make `ssc.start()` fail with an
 * `InvalidStreamError` naming the key and what to set.
 *
 * Mirrors `KafkaUtils.createDirectStream` and `new DirectKafkaInputDStream`.
 *
 * **Example**
 * ```ts
 * const stream = DirectInputDStream.make(ssc, source, { offsetReset: "earliest" })
 * stream.foreachRDD((rdd) =>
 *   Effect.gen(function*() {
 *     const ranges = DirectInputDStream.offsetRangesOf(rdd) ?? []
 *     yield* rdd.foreachPartition(write)
 *     DirectInputDStream.commitAsync(stream, ranges)
 *   })
 * )
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = <R>(ssc: StreamingContextLike, source: DirectSource<R>, options: DirectStreamOptions = {}): DStream<R> => {
  const inputStreamId = ssc.newInputStreamId()
  const settings = readSettings(ssc.sparkContext.conf, ssc.batchDurationMs)
  const valid = settings instanceof InvalidStreamError ? undefined : settings
  const state = new DirectStreamState<R>(ssc, inputStreamId, source, {
    source: source as DirectSource<unknown>,
    offsetReset: options.offsetReset ?? "latest",
    startingOffsets: options.startingOffsets,
    settings: valid ?? { maxRatePerPartition: 0, minRatePerPartition: 1, backpressure: false, initialRate: 0 },
    batchDurationMs: ssc.batchDurationMs
  })
  const stream = InputDStream.make<R>(ssc, {
    name: "DirectInputDStream",
    dependencies: [],
    error: settings instanceof InvalidStreamError
      ? settings
      : ssc.sparkContext.shipsTasks
      ? notShippable(source)
      : undefined,
    compute: (time, self) => state.compute(time, self)
  })
  register(stream as DStream<unknown>, state as DirectStreamState<unknown>)
  setRecovery(stream as DStream<unknown>, {
    _tag: "Restorable",
    save: () => state.save(stream),
    restore: (saved) => state.restore(saved)
  })
  return stream
}

// Tasks carry the source's `read` to the executors: on a master that ships tasks it must ship (a module function).
const notShippable = (source: DirectSource<unknown>): InvalidStreamError | undefined => {
  const problem = Closure.check(source.read, `read function of the direct source ${source.name}`)
  return problem === undefined ? undefined : new InvalidStreamError({
    stream: "DirectInputDStream",
    message: `${problem.message} Executors read the stream's offset ranges through the source's read, so build it ` +
      `with Closure.fromModule (a module export making the reader from plain options), as the connector packages do, ` +
      `or run on a local[N] master`
  })
}

/**
 * The offset ranges of a direct stream's batch RDD (every partition's, empty
 * ones included), or `undefined` for an RDD the stream did not make (take
 * them before transforming the RDD).
 *
 * Mirrors `rdd.asInstanceOf[HasOffsetRanges].offsetRanges`.
 *
 * **Example**
 * ```ts
 * stream.foreachRDD((rdd) => Effect.log(DirectInputDStream.offsetRangesOf(rdd)))
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const offsetRangesOf = (rdd: RDDModule.RDD<unknown>): ReadonlyArray<OffsetRange> | undefined => DirectRDD.offsetRangesOf(rdd)

/**
 * Queues `ranges` to be committed to the source (each partition's
 * `untilOffset`, the next offset to read): the commit runs on the driver
 * before the next batch is planned, so call it once the batch's output is
 * done. A failed commit is logged and retried at the following batch.
 * Not a direct stream: does nothing and returns false.
 *
 * Mirrors `stream.asInstanceOf[CanCommitOffsets].commitAsync(offsetRanges)`.
 *
 * **Example**
 * ```ts
 * DirectInputDStream.commitAsync(stream, DirectInputDStream.offsetRangesOf(rdd) ?? [])
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const commitAsync = (stream: DStream<unknown>, ranges: ReadonlyArray<OffsetRange>): boolean => {
  const state = stateOf(stream)
  if (state === undefined) return false
  state.commitAsync(ranges)
  return true
}
