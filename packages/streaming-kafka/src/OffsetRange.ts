/**
 * Kafka's offset range: offsets `[fromOffset, untilOffset)` of one topic
 * partition, what one partition of a batch reads. Converts to and from the
 * source-neutral `OffsetRange` of `@tspark/streaming`, whose partition is
 * named `topic-partition` (`events-0`).
 *
 * Mirrors `org.apache.spark.streaming.kafka010.OffsetRange`.
 *
 * @since 0.1.0
 */
import { OffsetRange as DirectOffsetRange } from "@tspark/streaming/dstream"

/**
 * Offsets `[fromOffset, untilOffset)` of partition `partition` of `topic`;
 * `count` is `untilOffset - fromOffset`.
 *
 * Mirrors `org.apache.spark.streaming.kafka010.OffsetRange`.
 *
 * **Example**
 * ```ts
 * const range: OffsetRange.OffsetRange = { topic: "events", partition: 0, fromOffset: 100, untilOffset: 150, count: 50 }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface OffsetRange {
  readonly topic: string
  readonly partition: number
  /** The first offset read (inclusive). */
  readonly fromOffset: number
  /** The offset after the last one read (exclusive). */
  readonly untilOffset: number
  readonly count: number
}

/**
 * The range `[fromOffset, untilOffset)` of `topic`'s partition `partition`.
 *
 * Mirrors `OffsetRange.create(topic, partition, fromOffset, untilOffset)`.
 *
 * **Example**
 * ```ts
 * OffsetRange.make("events", 0, 100, 150).count // 50
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (topic: string, partition: number, fromOffset: number, untilOffset: number): OffsetRange => ({
  topic,
  partition,
  fromOffset,
  untilOffset,
  count: untilOffset - fromOffset
})

/**
 * The name of a topic partition in the source-neutral stream: `topic-partition`.
 *
 * Mirrors `TopicPartition.toString`.
 *
 * **Example**
 * ```ts
 * OffsetRange.partitionName("events", 3) // "events-3"
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const partitionName = (topic: string, partition: number): string => `${topic}-${partition}`

/**
 * The topic and partition of a `topic-partition` name (the topic may itself
 * contain `-`: the number after the last one is the partition), or
 * `undefined` for a name that has no partition number.
 *
 * Mirrors `new TopicPartition(topic, partition)` read back from its string.
 *
 * **Example**
 * ```ts
 * OffsetRange.parsePartitionName("click-events-12") // { topic: "click-events", partition: 12 }
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const parsePartitionName = (name: string): { readonly topic: string; readonly partition: number } | undefined => {
  const dash = name.lastIndexOf("-")
  const partition = Number(name.slice(dash + 1))
  if (dash <= 0 || dash === name.length - 1 || !Number.isInteger(partition) || partition < 0) return undefined
  return { topic: name.slice(0, dash), partition }
}

/**
 * The Kafka range of a source-neutral range, or `undefined` when its
 * partition is not named `topic-partition` (a range of another connector).
 *
 * Mirrors no Spark method: Spark's Kafka ranges are the only kind.
 *
 * **Example**
 * ```ts
 * OffsetRange.fromDirect({ partition: "events-0", fromOffset: 5, untilOffset: 9, count: 4 }) // events 0 [5, 9)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const fromDirect = (range: DirectOffsetRange.OffsetRange): OffsetRange | undefined => {
  const parsed = parsePartitionName(range.partition)
  return parsed === undefined ? undefined : make(parsed.topic, parsed.partition, range.fromOffset, range.untilOffset)
}

/**
 * The source-neutral range of a Kafka range (partition `topic-partition`),
 * as `DirectInputDStream.commitAsync` and the stream's input info take it.
 *
 * Mirrors no Spark method: Spark's Kafka ranges are the only kind.
 *
 * **Example**
 * ```ts
 * OffsetRange.toDirect(OffsetRange.make("events", 0, 5, 9)).partition // "events-0"
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const toDirect = (range: OffsetRange): DirectOffsetRange.OffsetRange =>
  DirectOffsetRange.make(partitionName(range.topic, range.partition), range.fromOffset, range.untilOffset)

/**
 * A range as text: `topic-partition [from, until)`.
 *
 * Mirrors `OffsetRange.toString`.
 *
 * **Example**
 * ```ts
 * OffsetRange.format(OffsetRange.make("events", 0, 100, 150)) // "events-0 [100, 150)"
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const format = (range: OffsetRange): string =>
  `${partitionName(range.topic, range.partition)} [${range.fromOffset}, ${range.untilOffset})`
