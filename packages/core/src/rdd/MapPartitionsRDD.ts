/**
 * The RDD of every narrow per-partition transformation: `map`, `filter`,
 * `flatMap`, `mapPartitions`, `glom`, `mapValues`... Each computes a
 * partition from the same partition of its parent with a plain iterator loop.
 *
 * Mirrors `org.apache.spark.rdd.MapPartitionsRDD`.
 *
 * @since 0.1.0
 */
import { FilterIterator, FlatMapIterator, fromIterable, iterable, MapIterator } from "../internal/rdd/iterators.js"
import { firstParent, parentLocations, parentPartitioner, type RDDOp, sameAsParent } from "../internal/rdd/op.js"
import type { TaskContext } from "../scheduler/TaskContext.js"

/**
 * A function over a whole partition: its records, its index and the task's context.
 *
 * Mirrors the `(TaskContext, Int, Iterator[T]) => Iterator[U]` of `MapPartitionsRDD`.
 *
 * **Example**
 * ```ts
 * const f: MapPartitionsRDD.PartitionFunction = (it, index) => [index]
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type PartitionFunction = (
  iterator: IterableIterator<unknown>,
  partitionIndex: number,
  ctx: TaskContext
) => Iterable<unknown> | Iterator<unknown>

const narrowOp = (
  factory: string,
  args: ReadonlyArray<unknown>,
  params: Readonly<Record<string, unknown>>,
  preservesPartitioning: boolean,
  compute: RDDOp["compute"]
): RDDOp => ({
  factory,
  args,
  kind: "MapPartitionsRDD",
  params,
  getPartitions: sameAsParent,
  partitioner: preservesPartitioning ? parentPartitioner : () => undefined,
  preferredLocations: parentLocations,
  compute
})

/**
 * The plan of `rdd.map(f)`.
 *
 * Mirrors `RDD.map`'s `new MapPartitionsRDD(this, (_, _, iter) => iter.map(f))`.
 *
 * **Example**
 * ```ts
 * const op = MapPartitionsRDD.map((x) => (x as number) * 2)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const map = (f: (a: unknown) => unknown, preservesPartitioning = false): RDDOp =>
  narrowOp(
    "map",
    [f, preservesPartitioning],
    { fn: "map", f, preservesPartitioning },
    preservesPartitioning,
    (rdd, split, ctx) => new MapIterator(firstParent(rdd).iterator(split, ctx), f)
  )

/**
 * The plan of `rdd.filter(f)`; keeps the parent's partitioner.
 *
 * Mirrors `RDD.filter`'s `MapPartitionsRDD` with `preservesPartitioning = true`.
 *
 * **Example**
 * ```ts
 * const op = MapPartitionsRDD.filter((x) => (x as number) > 0)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const filter = (f: (a: unknown) => boolean): RDDOp =>
  narrowOp(
    "filter",
    [f],
    { fn: "filter", f, preservesPartitioning: true },
    true,
    (rdd, split, ctx) => new FilterIterator(firstParent(rdd).iterator(split, ctx), f)
  )

/**
 * The plan of `rdd.flatMap(f)`.
 *
 * Mirrors `RDD.flatMap`'s `MapPartitionsRDD`.
 *
 * **Example**
 * ```ts
 * const op = MapPartitionsRDD.flatMap((line) => (line as string).split(" "))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const flatMap = (f: (a: unknown) => Iterable<unknown>, preservesPartitioning = false): RDDOp =>
  narrowOp(
    "flatMap",
    [f, preservesPartitioning],
    { fn: "flatMap", f, preservesPartitioning },
    preservesPartitioning,
    (rdd, split, ctx) => new FlatMapIterator(firstParent(rdd).iterator(split, ctx), f)
  )

/**
 * The plan of `rdd.mapPartitions(f)` (and `mapPartitionsWithIndex`, `glom`).
 *
 * Mirrors `RDD.mapPartitionsWithIndex`'s `MapPartitionsRDD`.
 *
 * **Example**
 * ```ts
 * const op = MapPartitionsRDD.mapPartitions((it) => [Array.from(it)], false)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const mapPartitions = (f: PartitionFunction, preservesPartitioning: boolean): RDDOp =>
  narrowOp(
    "mapPartitions",
    [f, preservesPartitioning],
    { fn: "mapPartitions", f, preservesPartitioning },
    preservesPartitioning,
    (rdd, split, ctx) => {
      const out = f(iterable(firstParent(rdd).iterator(split, ctx)), split.index, ctx)
      return Symbol.iterator in out ? fromIterable(out as Iterable<unknown>) : out as Iterator<unknown>
    }
  )
