// The actions of RDDs of numbers (Spark's DoubleRDDFunctions: stats, sum,
// histogram) and the approximate distinct counts. Their partition functions
// are engine functions (actionFunctions.ts), so they ship by name.
import { Effect } from "effect"
import type { Pair, PartitionSpec } from "../../rdd/PairRDDFunctions.js"
import { shuffle } from "../../rdd/PairRDDFunctions.js"
import { HashPartitioner } from "../../rdd/Partitioner.js"
import type { RDD, RDDError } from "../../rdd/RDD.js"
import { InvalidArgumentError, UnsupportedOperationError } from "../../SparkError.js"
import { type StatState, StatCounter } from "../../util/StatCounter.js"
import { engineFunction } from "../closure/engineFunctions.js"
import { emptyCollection, fold } from "./actions.js"
import * as HyperLogLog from "./hyperLogLog.js"

type NumericError = RDDError | UnsupportedOperationError

/** As Spark: each partition's counter, merged; an RDD without partitions has none to merge ("empty collection"). */
export const stats = (self: RDD<number>): Effect.Effect<StatCounter, NumericError> =>
  Effect.flatMap(
    self.runJob(engineFunction<Record<string, never>, (it: Iterator<number>) => StatState>("statCounter", {})),
    (states) =>
      states.length === 0
        ? Effect.fail(emptyCollection("stats", "an RDD without partitions has no statistics"))
        : Effect.succeed(states.reduce((acc, s) => acc.merge(StatCounter.fromState(s)), new StatCounter()))
  )

/** One statistic of `stats()`, as Spark's `mean()`, `variance()`, ... */
export const statistic = (self: RDD<number>, get: (s: StatCounter) => number): Effect.Effect<number, NumericError> =>
  Effect.map(stats(self), get)

/** `fold(0)(_ + _)`, as Spark's `sum`: 0 for an empty RDD. */
export const sum = (self: RDD<number>): Effect.Effect<number, RDDError> => fold(self, 0, (a, b) => a + b)

// ---------------------------------------------------------------- histogram

const unsortedBuckets = (buckets: ReadonlyArray<number>): InvalidArgumentError | undefined => {
  if (buckets.length < 2) {
    return new InvalidArgumentError({
      method: "histogram",
      message: `buckets array must have at least two elements, got ${buckets.length}: pass the edges [min, ..., max]`
    })
  }
  for (let i = 0; i + 1 < buckets.length; i++) {
    const [a, b] = [buckets[i]!, buckets[i + 1]!]
    // A NaN edge may only close the last bucket (it then counts the NaN elements).
    const lastNaN = i + 1 === buckets.length - 1 && Number.isNaN(b) && !Number.isNaN(a)
    if (!(a < b) && !lastNaN) {
      return new InvalidArgumentError({
        method: "histogram",
        message: `buckets must be sorted in increasing order without duplicates (NaN only as the last), ` +
          `but buckets[${i}] = ${a} and buckets[${i + 1}] = ${b}`
      })
    }
  }
  return undefined
}

const counts = (self: RDD<number>, buckets: ReadonlyArray<number>, evenBuckets: boolean): Effect.Effect<Array<number>, RDDError> => {
  const zeros = new Array<number>(buckets.length - 1).fill(0)
  if (self.numPartitions === 0) return Effect.succeed(zeros)
  return Effect.map(
    self.runJob(
      engineFunction<{ buckets: ReadonlyArray<number>; evenBuckets: boolean }, (it: Iterator<number>) => Array<number>>("histogram", {
        buckets,
        evenBuckets
      })
    ),
    (parts) => parts.reduce((acc, part) => acc.map((n, i) => n + part[i]!), zeros)
  )
}

/** Counts per bucket `[b0, b1), [b1, b2), ..., [bn-1, bn]` (the last closed), as Spark's `histogram(buckets, evenBuckets)`. */
export const histogramOf = (
  self: RDD<number>,
  buckets: ReadonlyArray<number>,
  evenBuckets: boolean
): Effect.Effect<Array<number>, RDDError> => {
  const error = unsortedBuckets(buckets)
  return error === undefined ? counts(self, [...buckets], evenBuckets) : Effect.fail(error)
}

/** `bucketCount` even buckets between the minimum and the maximum, as Spark's `histogram(bucketCount)`. */
export const histogram = (self: RDD<number>, bucketCount: number): Effect.Effect<[Array<number>, Array<number>], NumericError> =>
  Effect.gen(function*() {
    if (!Number.isInteger(bucketCount) || bucketCount < 1) {
      return yield* new InvalidArgumentError({ method: "histogram", message: `bucketCount must be an integer >= 1, got ${bucketCount}` })
    }
    const parts = yield* self.runJob(engineFunction<Record<string, never>, (it: Iterator<number>) => [number, number]>("maxMin", {}))
    if (parts.length === 0) return yield* emptyCollection("histogram", "an RDD without partitions has no range")
    const [max, min] = parts.reduce(([max1, min1], [max2, min2]) => [Math.max(max1, max2), Math.min(min1, min2)])
    if (!Number.isFinite(min) || !Number.isFinite(max)) {
      return yield* new UnsupportedOperationError({
        method: "histogram",
        message: "Histogram on either an empty RDD or RDD containing +/-infinity or NaN: filter them out, or pass explicit buckets"
      })
    }
    // min + (i * span) / steps, then max itself: Spark's customRange (exact edges, unlike a stepped range).
    const span = max - min
    const buckets = min === max ? [min, min] : [...Array.from({ length: bucketCount }, (_, i) => min + (i * span) / bucketCount), max]
    return [buckets, yield* counts(self, buckets, true)]
  })

// ---------------------------------------------------------------- approximate distinct counts

const invalidRelativeSD = (method: string, relativeSD: number): InvalidArgumentError | undefined => {
  if (!(relativeSD > 0.000017)) {
    return new InvalidArgumentError({
      method,
      message: `accuracy (relativeSD ${relativeSD}) must be greater than 0.000017: pass a larger relativeSD such as 0.05 (the default)`
    })
  }
  const p = HyperLogLog.precisionFor(relativeSD)
  return p <= HyperLogLog.MAX_PRECISION ? undefined : new InvalidArgumentError({
    method,
    message: `relativeSD ${relativeSD} needs 2^${p} registers; tspark keeps at most 2^${HyperLogLog.MAX_PRECISION} ` +
      `(relativeSD >= ${HyperLogLog.MIN_RELATIVE_SD.toPrecision(3)})`
  })
}

const invalidPrecision = (p: number, sp: number): InvalidArgumentError | undefined => {
  const message = !Number.isInteger(p) || p < 4
    ? `p (${p}) must be an integer >= 4`
    : !Number.isInteger(sp) || sp > 32 || sp < 0
    ? `sp (${sp}) must be an integer in [0, 32]`
    : p > HyperLogLog.MAX_PRECISION
    ? `p (${p}) must be <= ${HyperLogLog.MAX_PRECISION} (2^p registers of a byte each)`
    : sp !== 0 && p > sp
    ? `p (${p}) cannot be greater than sp (${sp})`
    : undefined
  return message === undefined ? undefined : new InvalidArgumentError({ method: "countApproxDistinct", message })
}

/** With precision `p` (2^p registers); `sp` is validated as Spark does (the sparse form here is automatic). */
export const countApproxDistinctWithPrecision = <T>(self: RDD<T>, p: number, sp: number): Effect.Effect<number, RDDError> => {
  const error = invalidPrecision(p, sp)
  if (error !== undefined) return Effect.fail(error)
  return Effect.map(
    self.runJob(engineFunction<{ p: number }, (it: Iterator<T>) => HyperLogLog.Sketch>("hyperLogLogPartition", { p })),
    (sketches) => HyperLogLog.cardinality(sketches.reduce(HyperLogLog.merge, HyperLogLog.empty(p)))
  )
}

export const countApproxDistinct = <T>(self: RDD<T>, relativeSD: number): Effect.Effect<number, RDDError> => {
  const error = invalidRelativeSD("countApproxDistinct", relativeSD)
  return error === undefined ? countApproxDistinctWithPrecision(self, HyperLogLog.precisionFor(relativeSD), 0) : Effect.fail(error)
}

export const countApproxDistinctByKey = <K, V>(self: RDD<Pair<K, V>>, relativeSD: number, partitions: PartitionSpec): RDD<[K, number]> => {
  const error = invalidRelativeSD("countApproxDistinctByKey", relativeSD)
  // An RDD that fails every action with the error (a transformation reports a bad argument when an action runs).
  if (error !== undefined) return shuffle(self, new HashPartitioner(1), undefined, false, undefined, error) as unknown as RDD<[K, number]>
  const p = HyperLogLog.precisionFor(relativeSD)
  return self.combineByKey(
    engineFunction<{ p: number }, (value: V) => HyperLogLog.Sketch>("hyperLogLogCreate", { p }),
    engineFunction<Record<string, never>, (sketch: HyperLogLog.Sketch, value: V) => HyperLogLog.Sketch>("hyperLogLogAdd", {}),
    engineFunction<Record<string, never>, (a: HyperLogLog.Sketch, b: HyperLogLog.Sketch) => HyperLogLog.Sketch>("hyperLogLogMerge", {}),
    partitions
  ).mapValues(engineFunction<Record<string, never>, (sketch: HyperLogLog.Sketch) => number>("hyperLogLogCardinality", {}))
}
