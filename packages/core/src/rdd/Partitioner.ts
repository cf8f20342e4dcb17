/**
 * Partitioners decide which reduce partition a key goes to.
 *
 * Mirrors `org.apache.spark.Partitioner`, `HashPartitioner` and `RangePartitioner`.
 *
 * @since 0.1.0
 */
import { registerReviver, serializeValue, shippedClass } from "../internal/closure/shipping.js"
import { nonNegativeMod, stableHash } from "../util/hash.js"
import { compareKeys, type Ordering } from "../util/Ordering.js"

/**
 * A partitioner: plain data plus `getPartition`, so that map tasks on any
 * executor place each key identically.
 *
 * @category models
 * @since 0.1.0
 */
export type Partitioner = HashPartitioner | RangePartitioner<unknown>

/**
 * Places keys by a stable structural hash modulo the number of partitions.
 * Equal keys (including structurally equal tuples) land in the same partition
 * in every process.
 *
 * **Example**
 * ```ts
 * const p = new HashPartitioner(4)
 * p.getPartition(["a", 1]) === p.getPartition(["a", 1]) // true
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class HashPartitioner {
  readonly _tag = "HashPartitioner"
  constructor(readonly numPartitions: number) {}

  getPartition(key: unknown): number {
    return nonNegativeMod(stableHash(key), this.numPartitions)
  }

  equals(other: Partitioner | undefined): boolean {
    return other?._tag === "HashPartitioner" && other.numPartitions === this.numPartitions
  }

  /** @internal How it ships with a task plan. */
  toShipped(): unknown {
    return shippedClass("HashPartitioner", this.numPartitions)
  }
}

registerReviver("HashPartitioner", (n) => new HashPartitioner(n as number))

/**
 * Places keys into ranges bounded by `rangeBounds` (sorted upper bounds, one
 * fewer than the partitions), so that partitions are ordered by key. Built by
 * sampling the RDD (see `RDD.sortByKey`).
 *
 * **Example**
 * ```ts
 * const p = new RangePartitioner([10, 20], true)
 * p.getPartition(15) // 1
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class RangePartitioner<K> {
  readonly _tag = "RangePartitioner"
  readonly numPartitions: number
  constructor(
    readonly rangeBounds: ReadonlyArray<K>,
    readonly ascending: boolean,
    readonly ordering: Ordering<K> = compareKeys
  ) {
    this.numPartitions = rangeBounds.length + 1
  }

  getPartition(key: K): number {
    // Binary search for the first bound >= key.
    let lo = 0
    let hi = this.rangeBounds.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.ordering(this.rangeBounds[mid]!, key) < 0) lo = mid + 1
      else hi = mid
    }
    return this.ascending ? lo : this.rangeBounds.length - lo
  }

  equals(other: Partitioner | undefined): boolean {
    if (other?._tag !== "RangePartitioner" || other.ascending !== this.ascending) return false
    if (other.rangeBounds.length !== this.rangeBounds.length) return false
    for (let i = 0; i < this.rangeBounds.length; i++) {
      if (compareKeys(other.rangeBounds[i], this.rangeBounds[i]) !== 0) return false
    }
    return true
  }

  /** @internal How it ships with a task plan: bounds and ordering. */
  toShipped(where: string): unknown {
    return shippedClass("RangePartitioner", {
      rangeBounds: serializeValue(this.rangeBounds, where),
      ascending: this.ascending,
      ordering: serializeValue(this.ordering, `ordering of the RangePartitioner (${where})`)
    })
  }
}

registerReviver("RangePartitioner", (data) => {
  const { ascending, ordering, rangeBounds } = data as {
    rangeBounds: ReadonlyArray<unknown>
    ascending: boolean
    ordering: Ordering<unknown>
  }
  return new RangePartitioner(rangeBounds, ascending, ordering)
})

/**
 * Chooses range bounds from weighted samples so that each partition gets about
 * the same total weight. Mirrors `RangePartitioner.determineBounds`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const determineBounds = <K>(
  candidates: ReadonlyArray<readonly [K, number]>,
  partitions: number,
  ordering: Ordering<K> = compareKeys
): Array<K> => {
  const ordered = [...candidates].sort((a, b) => ordering(a[0], b[0]))
  const numCandidates = ordered.length
  const sumWeights = ordered.reduce((s, [, w]) => s + w, 0)
  const step = sumWeights / partitions
  let cumWeight = 0
  let target = step
  const bounds: Array<K> = []
  let previousBound: K | undefined
  for (let i = 0; i < numCandidates && bounds.length < partitions - 1; i++) {
    const [key, weight] = ordered[i]!
    cumWeight += weight
    if (cumWeight >= target) {
      // Skip duplicate values.
      if (previousBound === undefined || ordering(key, previousBound) > 0) {
        bounds.push(key)
        target += step
        previousBound = key
      }
    }
  }
  return bounds
}

/**
 * Spark's default partitioner for a pair operation over several RDDs: the
 * partitioner of an input that has one (with the most partitions), otherwise
 * a `HashPartitioner` over `defaultParallelism` or the largest input.
 *
 * @category constructors
 * @since 0.1.0
 */
export const defaultPartitioner = (
  inputs: ReadonlyArray<{ readonly partitioner: Partitioner | undefined; readonly numPartitions: number }>,
  defaultParallelism: number | undefined
): Partitioner => {
  const withPartitioner = inputs.filter((r) => r.partitioner !== undefined && r.partitioner.numPartitions > 0)
  const maxPartitions = Math.max(...inputs.map((r) => r.numPartitions))
  if (withPartitioner.length > 0) {
    const best = withPartitioner.reduce((a, b) => (a.numPartitions >= b.numPartitions ? a : b))
    if (defaultParallelism === undefined || best.partitioner!.numPartitions >= maxPartitions / 10) {
      return best.partitioner!
    }
  }
  return new HashPartitioner(defaultParallelism ?? Math.max(1, maxPartitions))
}
