/**
 * The RDD of `sc.parallelize` and `sc.makeRDD`: a local array cut into
 * slices, one partition per slice, each with optional preferred locations
 * (hosts, or `executor_<host>_<id>` for one executor).
 *
 * Mirrors `org.apache.spark.rdd.ParallelCollectionRDD`.
 *
 * @since 0.1.0
 */
import { ArrayIterator } from "../internal/rdd/iterators.js"
import type { RDDOp } from "../internal/rdd/op.js"
import { positive } from "../internal/rdd/validation.js"
import { InvalidArgumentError } from "../SparkError.js"
import type { Partition } from "./Partition.js"
import { RDD, type RDDContext } from "./RDD.js"

/**
 * A partition holding its slice of the collection.
 *
 * Mirrors `org.apache.spark.rdd.ParallelCollectionPartition`.
 *
 * **Example**
 * ```ts
 * const p: ParallelCollectionRDD.ParallelCollectionPartition = { index: 0, values: [1, 2] }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface ParallelCollectionPartition extends Partition {
  readonly values: ReadonlyArray<unknown>
}

/**
 * Cuts `data` into `numSlices` contiguous slices of about equal size.
 *
 * Mirrors `ParallelCollectionRDD.slice`.
 *
 * **Example**
 * ```ts
 * ParallelCollectionRDD.slice([1, 2, 3, 4, 5], 2) // [[1, 2], [3, 4, 5]]
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const slice = <T>(data: ReadonlyArray<T>, numSlices: number): Array<ReadonlyArray<T>> => {
  const slices: Array<ReadonlyArray<T>> = []
  for (let i = 0; i < numSlices; i++) {
    slices.push(data.slice(Math.floor((i * data.length) / numSlices), Math.floor(((i + 1) * data.length) / numSlices)))
  }
  return slices
}

/**
 * The plan of a parallel collection: its slices and, per slice, the
 * locations (hosts or `executor_<host>_<id>`) where it is best computed. A task plan ships only the slices its task reads.
 *
 * Mirrors `new ParallelCollectionRDD(sc, data, numSlices, locationPrefs)`.
 *
 * **Example**
 * ```ts
 * const op = ParallelCollectionRDD.parallelCollection([[1, 2], [3]], undefined)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const parallelCollection = (
  slices: ReadonlyArray<ReadonlyArray<unknown>>,
  locations: ReadonlyArray<ReadonlyArray<string>> | undefined
): RDDOp => ({
  factory: "parallelCollection",
  args: [slices, locations],
  kind: "ParallelCollectionRDD",
  params: { slices, locations },
  getPartitions: () => slices.map((values, index): ParallelCollectionPartition => ({ index, values })),
  compute: (_rdd, split) => new ArrayIterator((split as ParallelCollectionPartition).values),
  preferredLocations: (_rdd, split) => locations?.[split.index] ?? []
})

/**
 * The most slices `parallelize` cuts a collection into: 1,000,000. More
 * slices than elements is allowed (the extra partitions are empty, as in
 * Spark), but every partition costs a task and scheduler state, so a count
 * beyond this cap (say `1e9`) fails instead of exhausting the heap.
 *
 * Mirrors no Spark setting (Spark has no cap; its driver runs out of memory instead).
 *
 * **Example**
 * ```ts
 * sc.parallelize(data, Math.min(n, ParallelCollectionRDD.MAX_SLICES))
 * ```
 *
 * @category constants
 * @since 0.1.0
 */
export const MAX_SLICES = 1_000_000

const tooManySlices = (numSlices: number): InvalidArgumentError | undefined =>
  numSlices > MAX_SLICES
    ? new InvalidArgumentError({
      method: "parallelize",
      message: `numSlices must be at most ${MAX_SLICES} (ParallelCollectionRDD.MAX_SLICES), got ${numSlices}; ` +
        "use fewer slices (a few per core is usual)"
    })
    : undefined

/**
 * Distributes an array as an RDD of `numSlices` partitions. An invalid
 * `numSlices` (not a positive integer, or above `MAX_SLICES`) does not
 * throw: the RDD's first action fails with `InvalidArgumentError`.
 *
 * Mirrors `SparkContext.parallelize` (`new ParallelCollectionRDD(sc, seq, numSlices, Map())`).
 *
 * **Example**
 * ```ts
 * const rdd = ParallelCollectionRDD.make(sc, [1, 2, 3, 4], 2)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = <T>(context: RDDContext, data: ReadonlyArray<T>, numSlices: number): RDD<T> => {
  const error = positive("parallelize", "numSlices", numSlices) ?? tooManySlices(numSlices)
  return new RDD<T>(context, parallelCollection(slice(data, error ? 1 : numSlices), undefined), [], error)
}

/**
 * Distributes elements with preferred locations: one partition per element.
 * A location is a host, or one executor in Spark's `ExecutorCacheTaskLocation`
 * form `executor_<host>_<executorId>`: the scheduler then launches that
 * partition on exactly that executor (PROCESS_LOCAL) when it has a free core,
 * and elsewhere only after `spark.locality.wait` (streaming places its
 * receivers this way).
 *
 * Mirrors `SparkContext.makeRDD(Seq[(T, Seq[String])])`.
 *
 * **Example**
 * ```ts
 * const rdd = ParallelCollectionRDD.makeWithLocations(sc, [["a", ["host1"]], ["b", ["executor_localhost_exec-1"]]])
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const makeWithLocations = <T>(
  context: RDDContext,
  data: ReadonlyArray<readonly [T, ReadonlyArray<string>]>
): RDD<T> => new RDD<T>(context, parallelCollection(data.map(([x]) => [x]), data.map(([, hosts]) => hosts)), [])
