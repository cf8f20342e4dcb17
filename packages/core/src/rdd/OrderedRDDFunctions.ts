/**
 * Sorting an RDD of pairs by key, with an ordering of the keys. `RDD` exposes
 * `sortByKey` as a method on `RDD<Pair<K, V>>`; the body lives here.
 *
 * Mirrors `org.apache.spark.rdd.OrderedRDDFunctions`.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { withEnv } from "../internal/closure/shipping.js"
import { invalidPartitioner, nonNegative } from "../internal/rdd/validation.js"
import type { TaskContext } from "../scheduler/TaskContext.js"
import { compareKeys, type Ordering } from "../util/Ordering.js"
import { type Pair, shuffle } from "./PairRDDFunctions.js"
import { determineBounds, type Partitioner, RangePartitioner, samePartitioner } from "./Partitioner.js"
import type { RDD, RDDError } from "./RDD.js"

/**
 * Samples an RDD's keys in a job and builds a `RangePartitioner` with about
 * equal weight per range. Mirrors `RangePartitioner`'s sketch-and-bound.
 */
const makeRangePartitioner = <K, V>(
  rdd: RDD<Pair<K, V>>,
  partitions: number,
  ascending: boolean,
  ordering: Ordering<K>
): Effect.Effect<RangePartitioner<K>, RDDError> => {
  if (partitions <= 1 || rdd.numPartitions === 0) return Effect.succeed(new RangePartitioner<K>([], ascending, ordering))
  const sampleSize = Math.min(20 * partitions, 1_000_000)
  const perPartition = Math.ceil((3 * sampleSize) / rdd.numPartitions)
  return Effect.map(
    rdd.runJob(withEnv({ perPartition }, ({ perPartition }) => (it: Iterator<Pair<K, V>>, ctx: TaskContext) => {
      // Reservoir sampling with a seed per partition: reruns sample the same keys.
      let seen = 0
      const reservoir: Array<K> = []
      let state = (ctx.partitionId + 1) * 2654435761
      for (let r = it.next(); !r.done; r = it.next()) {
        seen++
        if (reservoir.length < perPartition) reservoir.push(r.value[0])
        else {
          state = (Math.imul(state, 1103515245) + 12345) >>> 0
          const j = state % seen
          if (j < perPartition) reservoir[j] = r.value[0]
        }
      }
      return { seen, reservoir }
    })),
    (samples) => {
      const candidates: Array<readonly [K, number]> = []
      for (const { reservoir, seen } of samples) {
        const weight = reservoir.length === 0 ? 0 : seen / reservoir.length
        for (const key of reservoir) candidates.push([key, weight])
      }
      return new RangePartitioner(determineBounds(candidates, partitions, ordering), ascending, ordering)
    }
  )
}

/**
 * Key-ordered operations on an RDD of pairs.
 *
 * **Example**
 * ```ts
 * const sorted = yield* new OrderedRDDFunctions(pairs).sortByKey(false, 4)
 * // the same as yield* pairs.sortByKey(false, 4)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class OrderedRDDFunctions<K, V> {
  constructor(readonly self: RDD<Pair<K, V>>, readonly ordering: Ordering<K> = compareKeys) {}

  /**
   * Sorts by key into `numPartitions` ordered ranges. Samples the keys in a job
   * first to choose the range bounds (`RangePartitioner`), as Spark does. An
   * empty RDD (or `numPartitions` 0 or 1) sorts into one partition.
   */
  sortByKey(ascending = true, numPartitions: number = this.self.numPartitions): Effect.Effect<RDD<[K, V]>, RDDError> {
    const error = nonNegative("sortByKey", "numPartitions", numPartitions)
    if (error !== undefined) return Effect.fail(error)
    const ordering = this.ordering
    return Effect.map(
      makeRangePartitioner(this.self, numPartitions, ascending, ordering),
      (partitioner) =>
        shuffle<K, V, V>(
          this.self,
          partitioner as unknown as Partitioner,
          undefined,
          false,
          ascending ? ordering : withEnv({ ordering }, ({ ordering }) => (a: K, b: K) => ordering(b, a))
        )
    )
  }

  /**
   * Repartitions by `partitioner` and sorts each partition by key (in one
   * shuffle, sorting as the shuffle is read). When the RDD is already
   * partitioned by `partitioner`, each partition is sorted in place, without a shuffle.
   */
  repartitionAndSortWithinPartitions(partitioner: Partitioner): RDD<[K, V]> {
    const error = invalidPartitioner("repartitionAndSortWithinPartitions", partitioner)
    const ordering = this.ordering
    if (error === undefined && samePartitioner(partitioner, this.self.partitioner)) {
      const sortPartition = withEnv(
        { ordering },
        ({ ordering }) => (it: IterableIterator<Pair<K, V>>) => Array.from(it).sort((a, b) => ordering(a[0], b[0]))
      )
      return this.self.mapPartitions(sortPartition, true) as RDD<[K, V]>
    }
    return shuffle<K, V, V>(this.self, partitioner, undefined, false, ordering, error)
  }
}
