/**
 * What a direct (receiver-less) input stream reads from: a partitioned,
 * replayable log whose records have offsets (Kafka topics, Redis Streams,
 * JetStream streams). The stream asks the source for offsets on the driver,
 * once per batch, and the batch's tasks read ranges of offsets on the
 * executors.
 *
 * Mirrors what Spark's direct Kafka stream takes from its `KafkaConsumer`
 * (built by a `org.apache.spark.streaming.kafka010.ConsumerStrategy`):
 * `latestOffsets` is `seekToEnd` + `position`, `earliestOffsets` is
 * `seekToBeginning`, `read` is what `KafkaRDD.compute` polls, and `commit` is
 * `commitAsync`. Source-neutral, so that each connector package implements it.
 *
 * @since 0.1.0
 */
import { Data, type Effect } from "effect"
import type { OffsetRange } from "./OffsetRange.js"

/**
 * A source a direct stream reads, with records of type `R`.
 *
 * - `latestOffsets` and `earliestOffsets` run on the driver, asynchronously:
 *   for every partition, the offset after its last record, and its first
 *   offset still readable.
 * - `read(range)` runs on the executor of the task that reads the range and
 *   gives the records of `[fromOffset, untilOffset)`: synchronously (an
 *   iterable), or as a promise of them for an asynchronous client, which the
 *   executor awaits before the task starts (tasks are synchronous; see
 *   `DirectInputDStream`). A range it cannot read (records deleted) fails
 *   with `DirectOffsetOutOfRangeError` (thrown, or the promise rejected),
 *   which fails the task and the batch. It travels with the task to the
 *   executor: on worker-thread or process executors it must ship, so build
 *   it with `Closure.fromModule` (a module export that makes the reader from
 *   plain options and keeps one client per executor).
 * - `commit(offsets, positions)` runs on the driver: for each partition, the
 *   offset of the next record to read (everything before it has been
 *   processed), and its position when the source resolves positions.
 * - `resolvePositions(ranges)` (optional) is for a log whose offsets are
 *   ordinals a reader cannot start from (a Redis stream, whose entry ids are
 *   timestamps): on the driver, once per batch, it returns each planned range
 *   with `fromPosition` and `untilPosition` (see `OffsetRange`). The stream
 *   passes each range's `fromPosition` when it knows it (the previous range's
 *   `untilPosition`, kept in the checkpoint too), so a source resolves from
 *   scratch only a partition's first range, or one moved by `offsetReset`.
 *   It must not change the offsets.
 *
 * Mirrors `org.apache.spark.streaming.kafka010.ConsumerStrategy`.
 *
 * **Example**
 * ```ts
 * const source: DirectSource.DirectSource<string> = InMemoryDirectSource.make({ partitions: ["p-0", "p-1"] })
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface DirectSource<R> {
  /** A name for messages and the UI (`kafka:events`). */
  readonly name: string
  readonly latestOffsets: Effect.Effect<ReadonlyMap<string, number>, DirectSourceError>
  readonly earliestOffsets: Effect.Effect<ReadonlyMap<string, number>, DirectSourceError>
  readonly read: (range: OffsetRange) => Iterable<R> | PromiseLike<Iterable<R>>
  readonly commit: (
    offsets: ReadonlyMap<string, number>,
    positions?: ReadonlyMap<string, string>
  ) => Effect.Effect<void, DirectSourceError>
  readonly resolvePositions?: (
    ranges: ReadonlyArray<OffsetRange>
  ) => Effect.Effect<ReadonlyArray<OffsetRange>, DirectSourceError>
}

/**
 * Where a direct stream starts a partition it has no offset for, and what it
 * does when its offset is no longer in the source (deleted by retention, or
 * beyond the end after the log was reset): `earliest` and `latest` move to
 * that end of the partition (skipping or re-reading records, with a warning);
 * `fail` fails the batch with `DirectOffsetOutOfRangeError`.
 *
 * Mirrors Kafka's `auto.offset.reset` (`earliest`, `latest`, `none`).
 *
 * **Example**
 * ```ts
 * const reset: DirectSource.OffsetReset = "earliest"
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type OffsetReset = "earliest" | "latest" | "fail"

/**
 * The source could not be reached or refused a request (a broker that is
 * down, a topic that does not exist). The batch fails with it; the stream's
 * offsets do not move, so the next batch asks again from the same place.
 *
 * Mirrors the exceptions `KafkaConsumer.position` and `poll` throw.
 *
 * **Example**
 * ```ts
 * const error = new DirectSource.DirectSourceError({ source: "kafka:events", message: "broker localhost:9092 refused the connection" })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class DirectSourceError extends Data.TaggedError("DirectSourceError")<{
  readonly source: string
  readonly message: string
  readonly cause?: unknown
}> {}

/**
 * An offset the stream needs is not in the source's partition (the records
 * were deleted, or the partition was reset), with `offsetReset: "fail"`, or a
 * range a task reads has lost its records.
 *
 * Mirrors Kafka's `OffsetOutOfRangeException` and `NoOffsetForPartitionException`.
 *
 * **Example**
 * ```ts
 * const error = new DirectSource.DirectOffsetOutOfRangeError({ source: "mem", partition: "p-0", offset: 3, earliest: 10, latest: 20 })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class DirectOffsetOutOfRangeError extends Data.TaggedError("DirectOffsetOutOfRangeError")<{
  readonly source: string
  readonly partition: string
  readonly offset: number | undefined
  readonly earliest: number | undefined
  readonly latest: number | undefined
}> {
  override get message(): string {
    const where = this.offset === undefined ? "has no starting offset" : `offset ${this.offset} is out of range`
    return `${this.source}: partition ${this.partition} ${where} (the source holds [${this.earliest}, ${this.latest})); ` +
      `set offsetReset to "earliest" or "latest" to move on, or pass startingOffsets for the partition`
  }
}

/**
 * A partition the stream was reading is no longer reported by the source.
 * The batch fails; the stream keeps its offsets, so the partition resumes
 * where it was if it comes back.
 *
 * Mirrors the `IllegalStateException` of `DirectKafkaInputDStream.latestOffsets`
 * ("Previously tracked partitions ... been revoked").
 *
 * **Example**
 * ```ts
 * const error = new DirectSource.DirectPartitionLostError({ source: "mem", partitions: ["p-1"] })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class DirectPartitionLostError extends Data.TaggedError("DirectPartitionLostError")<{
  readonly source: string
  readonly partitions: ReadonlyArray<string>
}> {
  override get message(): string {
    return `${this.source}: previously read partitions ${this.partitions.join(", ")} are missing from the source; ` +
      `restore them, or start the application from a new checkpoint directory to read only the partitions that remain`
  }
}
