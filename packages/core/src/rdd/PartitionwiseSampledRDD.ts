/**
 * The RDD of `rdd.sample`: each partition sampled with its own seed (derived
 * from the sample's seed and the partition index), so a rerun of a partition
 * picks the same records.
 *
 * Mirrors `org.apache.spark.rdd.PartitionwiseSampledRDD` with Spark's
 * `BernoulliSampler` (without replacement) and `PoissonSampler` (with).
 *
 * @since 0.1.0
 */
import { FilterIterator, FlatMapIterator } from "../internal/rdd/iterators.js"
import { firstParent, parentLocations, parentPartitioner, parentSplit, type RDDOp } from "../internal/rdd/op.js"
import { SeededRandom, seedFor } from "../internal/util/random.js"
import { InvalidArgumentError } from "../SparkError.js"
import type { Partition } from "./Partition.js"

/**
 * A partition with the seed of its sampler.
 *
 * Mirrors `org.apache.spark.rdd.PartitionwiseSampledRDDPartition`.
 *
 * **Example**
 * ```ts
 * const p: PartitionwiseSampledRDD.SampledPartition = { index: 0, seed: 1234 }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface SampledPartition extends Partition {
  readonly seed: number
}

/**
 * The plan of `rdd.sample(withReplacement, fraction, seed)`.
 *
 * Mirrors `new PartitionwiseSampledRDD(this, sampler, true, seed)`.
 *
 * **Example**
 * ```ts
 * const op = PartitionwiseSampledRDD.sample(false, 0.1, 42)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const sample = (withReplacement: boolean, fraction: number, seed: number): RDDOp => ({
  factory: "sample",
  args: [withReplacement, fraction, seed],
  kind: "PartitionwiseSampledRDD",
  params: { withReplacement, fraction, seed },
  getPartitions: (rdd) => firstParent(rdd).partitions.map((p): SampledPartition => ({ index: p.index, seed: seedFor(seed, p.index) })),
  partitioner: parentPartitioner,
  preferredLocations: parentLocations,
  compute: (rdd, split, ctx) => {
    const random = new SeededRandom((split as SampledPartition).seed)
    const parent = firstParent(rdd).iterator(parentSplit(rdd, split), ctx)
    if (!withReplacement) return new FilterIterator(parent, () => random.nextDouble() < fraction)
    return new FlatMapIterator(parent, (x) => {
      const copies = random.nextPoisson(fraction)
      return copies === 0 ? [] : new Array(copies).fill(x)
    })
  }
})

/**
 * The error of a sampling fraction out of range: `[0, 1]` without
 * replacement, `>= 0` with (the expected number of copies).
 *
 * Mirrors the `require(fraction ...)` checks of `RDD.sample`.
 *
 * **Example**
 * ```ts
 * PartitionwiseSampledRDD.invalidFraction(false, 1.5) // InvalidArgumentError
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const invalidFraction = (withReplacement: boolean, fraction: number): InvalidArgumentError | undefined =>
  Number.isFinite(fraction) && fraction >= 0 && (withReplacement || fraction <= 1)
    ? undefined
    : new InvalidArgumentError({
      method: "sample",
      message: withReplacement
        ? `fraction must be >= 0 when sampling with replacement, got ${fraction}`
        : `fraction must be in [0, 1] when sampling without replacement, got ${fraction}`
    })
