// The per-partition functions of the numeric and counting actions (stats,
// histogram, countApproxDistinct), by name: the engine function registry
// (closure/engineFunctions.ts) registers this table, so a task names them
// and an executor, running the same engine code, builds them.
import { StatCounter } from "../../util/StatCounter.js"
import * as HyperLogLog from "./hyperLogLog.js"
import { iterable } from "./iterators.js"

/** Where a value falls among sorted bucket edges: the bucket index, or -1 outside them. Mirrors DoubleRDDFunctions' two bucket functions. */
export const bucketIndex = (buckets: ReadonlyArray<number>, evenBuckets: boolean, e: number): number => {
  const count = buckets.length - 1
  if (evenBuckets) {
    const min = buckets[0]!
    const max = buckets[count]!
    if (Number.isNaN(e) || e < min || e > max) return -1
    // The ratio first, for precision; Java's toInt turns NaN (0 / 0, a zero-width range) into 0.
    const bucket = Math.trunc(((e - min) / (max - min)) * count)
    return Math.min(Number.isNaN(bucket) ? 0 : bucket, count - 1)
  }
  const location = binarySearch(buckets, e)
  if (location < 0) {
    const insertion = -location - 1
    return insertion > 0 && insertion < buckets.length ? insertion - 1 : -1
  }
  return location < count ? location : location - 1
}

// java.util.Arrays.binarySearch on doubles: NaN is above every number, -0 below 0.
const compareDoubles = (a: number, b: number): number => {
  if (a < b) return -1
  if (a > b) return 1
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1
  if (Number.isNaN(b)) return -1
  return Object.is(a, -0) === Object.is(b, -0) ? 0 : Object.is(a, -0) ? -1 : 1
}

const binarySearch = (sorted: ReadonlyArray<number>, key: number): number => {
  let low = 0
  let high = sorted.length - 1
  while (low <= high) {
    const mid = (low + high) >>> 1
    const c = compareDoubles(sorted[mid]!, key)
    if (c < 0) low = mid + 1
    else if (c > 0) high = mid - 1
    else return mid
  }
  return -(low + 1)
}

export const actionFunctions: Readonly<Record<string, (env: never) => unknown>> = {
  /** A partition's statistics, as plain fields. */
  statCounter: () => (it: Iterator<number>) => new StatCounter(iterable(it)).toState(),

  /** A partition's largest and smallest value (NaN when a NaN is present, as Scala's `max`/`min`). */
  maxMin: () => (it: Iterator<number>) => {
    let max = Number.NEGATIVE_INFINITY
    let min = Number.POSITIVE_INFINITY
    for (let r = it.next(); !r.done; r = it.next()) {
      max = Math.max(max, r.value)
      min = Math.min(min, r.value)
    }
    return [max, min]
  },

  /** A partition's counts per bucket. */
  histogram: ({ buckets, evenBuckets }: { buckets: ReadonlyArray<number>; evenBuckets: boolean }) => (it: Iterator<number>) => {
    const counts = new Array<number>(buckets.length - 1).fill(0)
    for (let r = it.next(); !r.done; r = it.next()) {
      const bucket = bucketIndex(buckets, evenBuckets, r.value)
      if (bucket >= 0) counts[bucket]!++
    }
    return counts
  },

  /** A partition's sketch. */
  hyperLogLogPartition: ({ p }: { p: number }) => (it: Iterator<unknown>) => {
    let sketch = HyperLogLog.empty(p)
    for (let r = it.next(); !r.done; r = it.next()) sketch = HyperLogLog.offer(sketch, r.value)
    return sketch
  },

  /** `countApproxDistinctByKey`'s combiner functions. */
  hyperLogLogCreate: ({ p }: { p: number }) => (value: unknown) => HyperLogLog.offer(HyperLogLog.empty(p), value),
  hyperLogLogAdd: () => HyperLogLog.offer,
  hyperLogLogMerge: () => HyperLogLog.merge,
  hyperLogLogCardinality: () => HyperLogLog.cardinality
}
