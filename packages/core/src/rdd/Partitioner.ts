/**
 * Partitioners decide which reduce partition a key goes to.
 *
 * Mirrors `org.apache.spark.Partitioner`, `HashPartitioner` and `RangePartitioner`.
 *
 * @since 0.1.0
 */
import { registerReviver, serializeValue, shippedClass } from "../internal/closure/shipping.js"
import { reviveSubclassInstance, shipSubclassInstance } from "../internal/rdd/userPartitioner.js"
import { nonNegativeMod, stableHash } from "../util/hash.js"
import { compareKeys, type Ordering } from "../util/Ordering.js"

/**
 * A partitioner: how many partitions there are and which one a key goes to,
 * computed the same way on every executor. The built-ins are `HashPartitioner`
 * and `RangePartitioner`; any object with `numPartitions` and `getPartition`
 * (a plain object, or an instance of a subclass of this class) is one too,
 * and `equals`, when given, says when two partitioners place keys alike (so
 * that a shuffle can be skipped). Without `equals`, a partitioner equals only
 * itself, as a Spark `Partitioner` that does not override `equals`.
 *
 * A plain object ships with its tasks as data plus functions (which, like any
 * shipped function, capture nothing or use `withEnv`); an instance of a
 * subclass ships as its own fields plus the source of its class's methods
 * (getters ship as their value), so its methods may use `this` but nothing
 * else of their surroundings.
 *
 * Mirrors `org.apache.spark.Partitioner`.
 *
 * **Example**
 * ```ts
 * class ByParity extends Partitioner {
 *   readonly numPartitions = 2
 *   getPartition(key: unknown) { return (key as number) % 2 === 0 ? 0 : 1 }
 * }
 * const byParity = pairs.partitionBy(new ByParity())
 * const byLength = words.keyBy((w) => w).partitionBy({ numPartitions: 4, getPartition: (w) => String(w).length % 4 })
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export abstract class Partitioner {
  /** @internal The built-ins' tag (`HashPartitioner`, `RangePartitioner`). */
  declare readonly _tag?: string
  abstract readonly numPartitions: number
  abstract getPartition(key: unknown): number
  /** Whether `other` places every key in the same partition as this one. */
  equals?(other: Partitioner | undefined): boolean
  /** @internal How an instance of a user subclass ships: its fields and its class's methods. */
  toShipped?(where: string): unknown {
    return shippedClass("Partitioner", shipSubclassInstance(this, Partitioner.prototype, where))
  }
}

registerReviver("Partitioner", (data) => reviveSubclassInstance(data, Partitioner.prototype))

/**
 * Whether a dataset partitioned by `other` is already partitioned as by
 * `partitioner`: `partitioner.equals(other)` when it has `equals`, identity
 * otherwise. Mirrors Spark's `rdd.partitioner == Some(partitioner)`.
 *
 * **Example**
 * ```ts
 * Partitioner.samePartitioner(new HashPartitioner(4), rdd.partitioner)
 * ```
 *
 * @category guards
 * @since 0.1.0
 */
export const samePartitioner = (partitioner: Partitioner, other: Partitioner | undefined): boolean =>
  other !== undefined && (partitioner === other || (typeof partitioner.equals === "function" && partitioner.equals(other)))

/**
 * Places keys by a stable structural hash modulo the number of partitions.
 * Equal keys (including structurally equal tuples) land in the same partition
 * in every process. With one partition every key goes to partition 0 unhashed.
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
export class HashPartitioner extends Partitioner {
  override readonly _tag = "HashPartitioner"
  constructor(readonly numPartitions: number) {
    super()
  }

  override getPartition(key: unknown): number {
    // One partition holds every key (null too, as in Spark): no hashing.
    if (this.numPartitions === 1) return 0
    return nonNegativeMod(stableHash(key), this.numPartitions)
  }

  override equals(other: Partitioner | undefined): boolean {
    return other?._tag === "HashPartitioner" && other.numPartitions === this.numPartitions
  }

  /** @internal How it ships with a task plan. */
  override toShipped(): unknown {
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
export class RangePartitioner<K> extends Partitioner {
  override readonly _tag = "RangePartitioner"
  readonly numPartitions: number
  constructor(
    readonly rangeBounds: ReadonlyArray<K>,
    readonly ascending: boolean,
    readonly ordering: Ordering<K> = compareKeys
  ) {
    super()
    this.numPartitions = rangeBounds.length + 1
  }

  override getPartition(key: K): number {
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

  override equals(other: Partitioner | undefined): boolean {
    if (!(other instanceof RangePartitioner) || other.ascending !== this.ascending) return false
    if (other.rangeBounds.length !== this.rangeBounds.length) return false
    for (let i = 0; i < this.rangeBounds.length; i++) {
      if (compareKeys(other.rangeBounds[i], this.rangeBounds[i]) !== 0) return false
    }
    return true
  }

  /** @internal How it ships with a task plan: bounds and ordering. */
  override toShipped(where: string): unknown {
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
 * Spark's default partitioner for a pair operation over several RDDs, as
 * Spark 3.5's `Partitioner.defaultPartitioner`: the partitioner of the input
 * with the most partitions among those that have one, when it is eligible
 * (its RDD's partition count is within an order of magnitude of the largest
 * input's) or has at least the default number of partitions; otherwise a
 * `HashPartitioner` over the default number: `defaultParallelism` when
 * `spark.default.parallelism` is set (pass `undefined` when it is not), else
 * the largest input's partition count.
 *
 * **Example**
 * ```ts
 * Partitioner.defaultPartitioner([left, right], undefined) // HashPartitioner(max partitions) when neither has a partitioner
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const defaultPartitioner = (
  inputs: ReadonlyArray<{ readonly partitioner: Partitioner | undefined; readonly numPartitions: number }>,
  defaultParallelism: number | undefined
): Partitioner => {
  const maxPartitions = inputs.reduce((max, r) => Math.max(max, r.numPartitions), 0)
  let best: { readonly partitioner: Partitioner | undefined; readonly numPartitions: number } | undefined
  for (const r of inputs) {
    if (r.partitioner !== undefined && r.partitioner.numPartitions > 0 && (best === undefined || r.numPartitions > best.numPartitions)) {
      best = r
    }
  }
  const defaultNumPartitions = defaultParallelism ?? maxPartitions
  if (best !== undefined) {
    const eligible = Math.log10(maxPartitions) - Math.log10(best.numPartitions) < 1
    if (eligible || defaultNumPartitions <= best.numPartitions) return best.partitioner!
  }
  return new HashPartitioner(defaultNumPartitions)
}
