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
  /**
   * Where the range starts in the source's own terms, for a source whose
   * offsets are ordinals it cannot read from directly (a Redis stream: the
   * id of the entry before `fromOffset`); set by the source's
   * `resolvePositions`, absent for sources that address offsets (Kafka).
   */
  readonly fromPosition?: string
  /** Where the range ends in the source's own terms: the next range's `fromPosition`. */
  readonly untilPosition?: string
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
 * `range` with its start and end in the source's own terms (see
 * `fromPosition`).
 *
 * Mirrors no Spark API: Kafka's offsets are addresses, so Spark's ranges need no positions.
 *
 * **Example**
 * ```ts
 * OffsetRange.withPositions(OffsetRange.make("events", 0, 2), "0-0", "1700000000000-1")
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const withPositions = (range: OffsetRange, fromPosition: string, untilPosition: string): OffsetRange => ({
  ...make(range.partition, range.fromOffset, range.untilOffset),
  fromPosition,
  untilPosition
})

/**
 * `range` without positions: its partition and offsets only.
 *
 * **Example**
 * ```ts
 * OffsetRange.offsetsOnly(OffsetRange.withPositions(OffsetRange.make("events", 0, 2), "0-0", "5-1")) // events [0, 2)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const offsetsOnly = (range: OffsetRange): OffsetRange => make(range.partition, range.fromOffset, range.untilOffset)

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
