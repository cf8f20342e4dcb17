/**
 * A range of offsets of one source partition: what one partition of a direct
 * stream's batch reads.
 *
 * Mirrors `org.apache.spark.streaming.kafka010.OffsetRange`, made
 * source-neutral: a partition is a string the source chooses (Kafka's
 * `topic-partition`, a Redis stream key, a JetStream subject).
 *
 * @since 0.1.0
 */

/**
 * Offsets `[fromOffset, untilOffset)` of `partition`; `count` is
 * `untilOffset - fromOffset`.
 *
 * Mirrors `org.apache.spark.streaming.kafka010.OffsetRange`.
 *
 * **Example**
 * ```ts
 * const range: OffsetRange.OffsetRange = { partition: "events-0", fromOffset: 100, untilOffset: 150, count: 50 }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface OffsetRange {
  /** The source partition, as the source names it. */
  readonly partition: string
  /** The first offset read (inclusive). */
  readonly fromOffset: number
  /** The offset after the last one read (exclusive). */
  readonly untilOffset: number
  /** How many offsets the range holds. */
  readonly count: number
}

/**
 * The range `[fromOffset, untilOffset)` of `partition`.
 *
 * Mirrors `OffsetRange.create(topic, partition, fromOffset, untilOffset)`.
 *
 * **Example**
 * ```ts
 * OffsetRange.make("events-0", 100, 150).count // 50
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (partition: string, fromOffset: number, untilOffset: number): OffsetRange => ({
  partition,
  fromOffset,
  untilOffset,
  count: untilOffset - fromOffset
})

/**
 * The total number of offsets in `ranges`.
 *
 * Mirrors the record count Spark's `DirectKafkaInputDStream.compute` reports
 * (`offsetRanges.map(_.count).sum`).
 *
 * **Example**
 * ```ts
 * OffsetRange.totalCount([OffsetRange.make("a", 0, 3), OffsetRange.make("b", 5, 6)]) // 4
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const totalCount = (ranges: ReadonlyArray<OffsetRange>): number => {
  let total = 0
  for (const range of ranges) total += range.count
  return total
}

/**
 * A range as text: `partition [from, until)`, as Spark's input info description.
 *
 * Mirrors `OffsetRange.toString`.
 *
 * **Example**
 * ```ts
 * OffsetRange.format(OffsetRange.make("events-0", 100, 150)) // "events-0 [100, 150)"
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const format = (range: OffsetRange): string => `${range.partition} [${range.fromOffset}, ${range.untilOffset})`
