/**
 * The RDD on the reduce side of a shuffle: partition `i` reads bucket `i` of
 * every map output of its shuffle dependency (combining and sorting as the
 * dependency says).
 *
 * Mirrors `org.apache.spark.rdd.ShuffledRDD`.
 *
 * @since 0.1.0
 */
import { ArrayIterator } from "../internal/rdd/iterators.js"
import { indexed, type RDDOp } from "../internal/rdd/op.js"
import type { Aggregator } from "../shuffle/Aggregator.js"
import * as ShuffleManager from "../shuffle/ShuffleManager.js"
import type { Ordering } from "../util/Ordering.js"
import type { ParentRDD, ShuffleDependency } from "./Dependency.js"
import type { Partitioner } from "./Partitioner.js"

/**
 * The shuffle dependency of a `ShuffledRDD` on `rdd`. Map-side combine needs an aggregator.
 *
 * Mirrors `ShuffledRDD.getDependencies` (`new ShuffleDependency(prev, part, serializer, keyOrdering, aggregator, mapSideCombine)`).
 *
 * **Example**
 * ```ts
 * const dep = ShuffledRDD.dependency(pairs, sc.newShuffleId(), new HashPartitioner(4), undefined, false, undefined)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const dependency = <R extends ParentRDD, K, V, C>(
  rdd: R,
  shuffleId: number,
  partitioner: Partitioner,
  aggregator: Aggregator<K, V, C> | undefined,
  mapSideCombine: boolean,
  keyOrdering: Ordering<K> | undefined
): ShuffleDependency<R> => ({
  _tag: "Shuffle",
  rdd,
  shuffleId,
  partitioner,
  aggregator: aggregator as Aggregator<unknown, unknown, unknown> | undefined,
  mapSideCombine: mapSideCombine && aggregator !== undefined,
  keyOrdering: keyOrdering as Ordering<unknown> | undefined
})

/**
 * The plan of a shuffled RDD: one partition per partition of `partitioner`.
 *
 * Mirrors `new ShuffledRDD[K, V, C](prev, partitioner)`.
 *
 * **Example**
 * ```ts
 * const op = ShuffledRDD.shuffled(new HashPartitioner(4))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const shuffled = (partitioner: Partitioner): RDDOp => ({
  factory: "shuffled",
  args: [partitioner],
  kind: "ShuffledRDD",
  params: { partitioner },
  getPartitions: () => indexed(partitioner.numPartitions),
  partitioner: () => partitioner,
  compute: (rdd, split, ctx) => new ArrayIterator(ShuffleManager.read(rdd.dependencies[0] as ShuffleDependency, split.index, ctx))
})
