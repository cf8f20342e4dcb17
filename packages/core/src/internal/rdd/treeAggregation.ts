// `treeAggregate` and `treeReduce`: the partitions' partial aggregates are
// combined on the executors in levels (each a foldByKey shuffle into fewer
// partitions), so the driver merges a few values, not one per partition.
// Mirrors RDD.treeAggregate / RDD.treeReduce.
import { Effect } from "effect"
import type { Pair } from "../../rdd/PairRDDFunctions.js"
import type { RDD, RDDError } from "../../rdd/RDD.js"
import { InvalidArgumentError, type UnsupportedOperationError } from "../../SparkError.js"
import { withEnv } from "../closure/shipping.js"
import { cloneZero, emptyCollection, fold } from "./actions.js"

const invalidDepth = (method: string, depth: number): InvalidArgumentError | undefined =>
  Number.isInteger(depth) && depth >= 1 ? undefined : new InvalidArgumentError({
    method,
    message: `depth must be an integer greater than or equal to 1, got ${depth}: pass 2 (the default) or more levels`
  })

/**
 * The number of partitions of each level below the partitions' aggregates:
 * divided by `scale = max(ceil(n^(1/depth)), 2)` while a level still saves
 * time (`n > scale + ceil(n / scale)`), as Spark decides.
 */
export const treeLevels = (numPartitions: number, depth: number): Array<number> => {
  const scale = Math.max(Math.ceil(numPartitions ** (1 / depth)), 2)
  const levels: Array<number> = []
  let n = numPartitions
  while (n > scale + Math.ceil(n / scale)) {
    n = Math.floor(n / scale)
    levels.push(n)
  }
  return levels
}

export const treeAggregate = <T, U>(
  self: RDD<T>,
  zero: U,
  seqOp: (acc: U, value: T) => U,
  combOp: (a: U, b: U) => U,
  depth = 2
): Effect.Effect<U, RDDError> =>
  Effect.suspend(() => {
    const error = invalidDepth("treeAggregate", depth)
    if (error !== undefined) return Effect.fail(error)
    if (self.numPartitions === 0) return Effect.succeed(cloneZero(zero)())
    let partial: RDD<U> = self.mapPartitions(withEnv({ zero, seqOp }, ({ seqOp, zero }) => (it: IterableIterator<T>) => {
      let acc = typeof zero === "object" && zero !== null ? structuredClone(zero) : zero
      for (const x of it) acc = seqOp(acc, x)
      return [acc]
    }))
    for (const level of treeLevels(partial.numPartitions, depth)) {
      const keyed: RDD<Pair<number, U>> = partial.mapPartitionsWithIndex(
        withEnv({ level }, ({ level }) => (i: number, it: IterableIterator<U>) => {
          const out: Array<[number, U]> = []
          for (const x of it) out.push([i % level, x])
          return out
        })
      )
      const folded = (keyed as unknown as RDD<Pair<number, number>>).foldByKey(
        zero as unknown as number,
        combOp as unknown as (a: number, b: number) => number,
        level
      )
      partial = folded.values() as unknown as RDD<U>
    }
    return fold(partial, zero, combOp)
  })

export const treeReduce = <T>(
  self: RDD<T>,
  f: (a: T, b: T) => T,
  depth = 2
): Effect.Effect<T, RDDError | UnsupportedOperationError> =>
  Effect.suspend(() => {
    const error = invalidDepth("treeReduce", depth)
    if (error !== undefined) return Effect.fail(error)
    // Each partition's reduction as an option: [] when the partition is empty, [value] otherwise.
    const partial = self.mapPartitions(withEnv({ f }, ({ f }) => (it: IterableIterator<T>) => {
      let r = it.next()
      if (r.done) return [[] as Array<T>]
      let acc = r.value
      for (r = it.next(); !r.done; r = it.next()) acc = f(acc, r.value)
      return [[acc]]
    }))
    const op = withEnv({ f }, ({ f }) => (c: Array<T>, x: Array<T>): Array<T> =>
      c.length > 0 && x.length > 0 ? [f(c[0]!, x[0]!)] : c.length > 0 ? c : x)
    return Effect.flatMap(
      treeAggregate(partial, [] as Array<T>, op, op, depth),
      (result) =>
        result.length > 0 ? Effect.succeed(result[0]!) : Effect.fail(emptyCollection("treeReduce", "use treeAggregate() with a zero value"))
    )
  })
