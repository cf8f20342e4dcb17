/**
 * The RDD of one direct-stream batch: one partition per non-empty offset
 * range, read on the executors by the source's `read`, each preferring the
 * same executor batch after batch.
 *
 * Mirrors `org.apache.spark.streaming.kafka010.KafkaRDD` (with
 * `LocationStrategies.PreferConsistent`), source-neutral.
 *
 * @since 0.1.0
 */
import type { RDD as RDDModule, SparkContext } from "@tspark/core"
import { DataSourceRDD, RDD as RDDClass } from "@tspark/core/rdd"
import { Hash } from "@tspark/core/util"
import type { DirectSource } from "../dstream/DirectSource.js"
import * as OffsetRange from "../dstream/OffsetRange.js"

const { format } = OffsetRange

type RDD<T> = RDDModule.RDD<T>

// The ranges of each batch's RDD, for offsetRangesOf; weak, so an RDD forgotten by the stream takes its ranges along.
const rangesByRDD = new WeakMap<RDD<unknown>, ReadonlyArray<OffsetRange.OffsetRange>>()

/** Executors in a stable order, as `executor_<host>_<id>` locations (Spark's `KafkaRDD.executors`, sorted). */
const executorLocations = (sc: SparkContext.SparkContext): Array<string> => {
  const alive = new Set(sc.executorIds)
  return sc.blockManagerMaster.blockManagers
    .filter((id) => alive.has(id.executorId))
    .map((id) => `executor_${id.host}_${id.executorId}`)
    .sort()
}

/**
 * The executor a source partition prefers: a stable hash of its name over
 * the executors in a stable order, so that a partition is read by the same
 * executor every batch while the executors stay the same (a connector can
 * keep a client per partition there).
 *
 * Mirrors `KafkaRDD.getPreferredLocations` under `PreferConsistent`.
 *
 * **Example**
 * ```ts
 * DirectRDD.preferConsistent("events-0", ["executor_localhost_0", "executor_localhost_1"]) // one of the two, always the same
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const preferConsistent = (partition: string, executors: ReadonlyArray<string>): ReadonlyArray<string> =>
  executors.length === 0 ? [] : [executors[Hash.nonNegativeMod(Hash.stableHash(partition), executors.length)]!]

/**
 * The RDD reading `ranges` of `source`: one partition per range with records
 * (in the order given), each computed by `source.read(range)` in its task.
 * `offsetRangesOf` gives back every range, empty ones included.
 *
 * Mirrors `new KafkaRDD(sc, kafkaParams, offsetRanges, preferredHosts, useConsumerCache)`.
 *
 * **Example**
 * ```ts
 * const rdd = DirectRDD.make(sc, source, [OffsetRange.make("p-0", 0, 10)])
 * const records = yield* rdd.collect()
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = <R>(
  sc: SparkContext.SparkContext,
  source: DirectSource<R>,
  ranges: ReadonlyArray<OffsetRange.OffsetRange>
): RDD<R> => {
  const nonEmpty = ranges.filter((range) => range.count > 0)
  if (nonEmpty.length === 0) {
    const empty = sc.emptyRDD<R>()
    rangesByRDD.set(empty as RDD<unknown>, ranges)
    return empty
  }
  const executors = executorLocations(sc)
  // What ships to an executor is the source's `read` and the ranges (plain data); the stream checked at start that
  // `read` ships when the master ships tasks.
  const rdd = new RDDClass.RDD<R>(
    sc,
    DataSourceRDD.dataSource(source.read, nonEmpty, {
      kind: "DirectRDD",
      params: { source: source.name, ranges: nonEmpty.map(format) },
      locations: nonEmpty.map((range) => preferConsistent(range.partition, executors))
    }),
    []
  )
  rangesByRDD.set(rdd as RDD<unknown>, ranges)
  return rdd
}

/**
 * The offset ranges an RDD made by `make` (a direct stream's batch) reads, or
 * `undefined` for any other RDD (a transformed one: take the ranges from the
 * stream's own RDD, first thing in `foreachRDD` or `transform`).
 *
 * Mirrors `HasOffsetRanges.offsetRanges` (`rdd.asInstanceOf[HasOffsetRanges]`).
 *
 * **Example**
 * ```ts
 * stream.foreachRDD((rdd) => Effect.sync(() => DirectRDD.offsetRangesOf(rdd)))
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const offsetRangesOf = (rdd: RDD<unknown>): ReadonlyArray<OffsetRange.OffsetRange> | undefined => rangesByRDD.get(rdd)
