// Spark's RDDSuite, DoubleRDDSuite, PartitioningSuite and PairRDDFunctionsSuite
// cases for max/min, treeAggregate/treeReduce, takeSample, stats, histogram
// and the approximate distinct counts, as this project's tests.
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { withEnv } from "../../src/Closure.js"
import type { RDD } from "../../src/rdd/RDD.js"
import * as SparkContext from "../../src/SparkContext.js"
import { flipFailure, makeContext, makeContextIn, modes, recordEvents, tempDir } from "../utils/spark.js"

const range = (from: number, until: number): Array<number> => Array.from({ length: until - from }, (_, i) => from + i)
const relativeError = (estimate: number, size: number) => Math.abs(estimate - size) / size

describe.each(modes)("RDDSuite actions ($name)", (mode) => {
  it.effect("basic operations: max, min, isEmpty, reduce of an empty filter", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      const nums = sc.parallelize([1, 2, 3, 4], 2)
      assert.strictEqual(yield* nums.max(), 4)
      assert.strictEqual(yield* nums.min(), 1)
      assert.isFalse(yield* nums.isEmpty())
      const error = yield* flipFailure(nums.filter((x) => x > 5).reduce((a, b) => a + b))
      assert.strictEqual(error._tag, "UnsupportedOperationError")
      assert.include(error.message, "empty collection")
      // With an explicit ordering; the first of equal elements wins, as Scala's Ordering.max/min.
      const words = sc.parallelize(["bb", "a", "cc", "d"], 3)
      const byLength = (a: string, b: string) => a.length - b.length
      assert.strictEqual(yield* words.max(byLength), "bb")
      assert.strictEqual(yield* words.min(byLength), "a")
    }).pipe(Effect.scoped))

  it.effect("empty RDD: reduce, first, max, min, treeReduce fail with empty collection; isEmpty", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      for (const empty of [sc.emptyRDD<number>(), sc.parallelize<number>([], 3), sc.parallelize([1, 2, 3], 3).filter((x) => x < 0)]) {
        assert.isTrue(yield* empty.isEmpty())
        for (
          const [method, action] of [
            ["reduce", empty.reduce((a, b) => a + b)],
            ["first", empty.first()],
            ["max", empty.max()],
            ["min", empty.min()],
            ["treeReduce", empty.treeReduce((a, b) => a + b)]
          ] as const
        ) {
          const error = yield* flipFailure(action)
          assert.strictEqual(error._tag, "UnsupportedOperationError", method)
          assert.include(error.message, "empty collection", method)
          assert.include(error.message, `${method}()`, method)
        }
      }
      assert.isFalse(yield* sc.parallelize([1, 2, 3], 3).filter((x) => x > 1).isEmpty())
    }).pipe(Effect.scoped))

  it.effect("treeAggregate and treeReduce, depth 1 to 9", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      const rdd = sc.parallelize(range(-1000, 1000), 10)
      for (let depth = 1; depth < 10; depth++) {
        assert.strictEqual(yield* rdd.treeAggregate(0, (c, x) => c + x, (a, b) => a + b, depth), -1000)
        assert.strictEqual(yield* rdd.treeReduce((a, b) => a + b, depth), -1000)
      }
    }).pipe(Effect.scoped))

  it.effect("treeAggregate with ops modifying first args (the zero is copied per partition)", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      const rdd = sc.parallelize(range(-1000, 1000), 10).map((x) => [x])
      const op = (c: Array<number>, x: Array<number>) => {
        c[0]! += x[0]!
        return c
      }
      for (let depth = 1; depth < 10; depth++) {
        const zero = [0]
        assert.deepStrictEqual(yield* rdd.treeAggregate(zero, op, op, depth), [-1000])
        assert.deepStrictEqual(zero, [0])
      }
    }).pipe(Effect.scoped))

  it.effect("countApproxDistinct", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      const size = 1000
      const simple = sc.parallelize(Array.from({ length: 5000 }, (_, i) => (i + 1) % size), 10)
      assert.isBelow(relativeError(yield* simple.countApproxDistinct(8, 0), size), 0.2)
      assert.isBelow(relativeError(yield* simple.countApproxDistinct(12, 0), size), 0.1)
      assert.isBelow(relativeError(yield* simple.countApproxDistinct(0.02), size), 0.1)
      assert.isBelow(relativeError(yield* simple.countApproxDistinct(0.5), size), 0.22)
      for (
        const [action, message] of [
          [simple.countApproxDistinct(0.000017), "must be greater than 0.000017"],
          [simple.countApproxDistinct(0.0001), "needs 2^27 registers; tspark keeps at most 2^26"],
          [simple.countApproxDistinct(3, 0), "p (3) must be an integer >= 4"],
          [simple.countApproxDistinct(8, 33), "sp (33) must be an integer in [0, 32]"],
          [simple.countApproxDistinct(12, 8), "p (12) cannot be greater than sp (8)"],
          [simple.countApproxDistinct(27, 0), "p (27) must be <= 26"]
        ] as const
      ) {
        const error = yield* flipFailure(action)
        assert.strictEqual(error._tag, "InvalidArgumentError")
        assert.include(error.message, message)
      }
      assert.isBelow(relativeError(yield* simple.countApproxDistinct(16, 20), size), 0.05)
      // Structural: equal tuples and records count once.
      const shaped = sc.parallelize([[1, "a"], [1, "a"], { x: 1, y: 2 }, { y: 2, x: 1 }, "s", 0, -0], 3)
      assert.strictEqual(yield* shaped.countApproxDistinct(), 4)
    }).pipe(Effect.scoped))

  it.effect("takeSample", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      // Spark's suite uses n = 1,000,000; the properties are the same at 100,000.
      const n = 100_000
      const data = sc.parallelize(range(1, n + 1), 2)
      const inRange = (sample: ReadonlyArray<number>) => sample.every((x) => Number.isInteger(x) && x >= 1 && x <= n)
      for (const num of [5, 20, 100]) {
        const sample = yield* data.takeSample(false, num)
        assert.strictEqual(sample.length, num)
        assert.strictEqual(new Set(sample).size, num)
        assert.isTrue(inRange(sample))
      }
      for (let seed = 1; seed <= 5; seed++) {
        for (const num of [20, 100]) {
          const sample = yield* data.takeSample(false, num, seed)
          assert.strictEqual(sample.length, num)
          assert.strictEqual(new Set(sample).size, num)
          assert.isTrue(inRange(sample))
          assert.deepStrictEqual(yield* data.takeSample(false, num, seed), sample, "the same seed gives the same sample")
        }
        const withReplacement = yield* data.takeSample(true, 20, seed)
        assert.strictEqual(withReplacement.length, 20)
        assert.isTrue(inRange(withReplacement))
      }
      const all = yield* data.takeSample(true, n, 7)
      assert.strictEqual(all.length, n)
      assert.isBelow(new Set(all).size, n, "sampling with replacement returned all distinct elements")
      const twice = yield* data.takeSample(true, 2 * n, 8)
      assert.strictEqual(twice.length, 2 * n)
      assert.isBelow(new Set(twice).size, n)
      // Without replacement and num >= count: the whole RDD, shuffled.
      const whole = yield* sc.parallelize(range(0, 50), 3).takeSample(false, 80, 3)
      assert.deepStrictEqual([...whole].sort((a, b) => a - b), range(0, 50))
      assert.notDeepEqual(whole, range(0, 50))
    }).pipe(Effect.scoped))

  it.effect("takeSample samples again, with the next seed, while the sample is short", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      const dir = yield* tempDir
      // 100 elements on every evaluation but the second (the first sample), which has none.
      const rdd = sc.parallelize([0], 1).flatMap(withEnv({ dir }, ({ dir }) => () => {
        const fs = process.getBuiltinModule("node:fs")
        const file = `${dir}/evaluations`
        const n = fs.existsSync(file) ? Number(fs.readFileSync(file, "utf8")) : 0
        fs.writeFileSync(file, String(n + 1))
        return n === 1 ? [] : Array.from({ length: 100 }, (_, i) => i)
      }))
      const sample = yield* rdd.takeSample(false, 5, 11)
      assert.strictEqual(new Set(sample).size, 5)
      assert.strictEqual(fs.readFileSync(path.join(dir, "evaluations"), "utf8"), "3")
    }).pipe(Effect.scoped))

  it.effect("takeSample from an empty RDD, num 0, and invalid num", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      assert.deepStrictEqual(yield* sc.parallelize<number>([], 2).takeSample(false, 20, 1), [])
      assert.deepStrictEqual(yield* sc.emptyRDD<number>().takeSample(true, 20, 1), [])
      assert.deepStrictEqual(yield* sc.parallelize([1, 2, 3]).takeSample(true, 0, 1), [])
      for (const num of [-1, 1.5, Number.NaN]) {
        const error = yield* flipFailure(sc.parallelize([1, 2, 3]).takeSample(false, num, 1))
        assert.strictEqual(error._tag, "InvalidArgumentError")
        assert.include(error.message, "num must be a non-negative integer")
      }
      const tooLarge = yield* flipFailure(sc.parallelize([1]).takeSample(true, 2147483647, 1))
      assert.strictEqual(tooLarge._tag, "InvalidArgumentError")
      assert.include(tooLarge.message, "cannot support a sample size > Int.MaxValue - 10.0 * math.sqrt(Int.MaxValue)")
    }).pipe(Effect.scoped))
})

describe("PairRDDFunctionsSuite: countApproxDistinctByKey", () => {
  it.effect("each key's estimate is within 1% of its distinct values", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext()
      const relativeSD = 0.01
      // For each value i there are i pairs (i, j): key i has i distinct values.
      const stacked = range(1, 101).flatMap((i) => range(1, i + 1).map((j) => [i, j] as const))
      const counted = yield* sc.parallelize(stacked, 4).countApproxDistinctByKey(relativeSD).collect()
      assert.strictEqual(counted.length, 100)
      for (const [k, count] of counted) assert.isBelow(relativeError(count, k), relativeSD, `key ${k}: ${count}`)
      // Keys with up to 500 values (a fixed pseudo-random spread), hash partitioned into 3. A sketch of
      // 2^14 registers (relativeSD 0.01) has a standard error of 1.04 / sqrt(2^14) = 0.8%: 100 keys
      // stay within three of them (Spark's own bound, 1%, is about 1.7 of them at 200 values).
      const sizes = range(1, 101).map((i) => (i * 7919) % 500 + 1)
      const spread = sizes.flatMap((num) => range(1, num + 1).map((j) => [num, `v${j}`] as const))
      const counted2 = yield* sc.parallelize(spread, 5).countApproxDistinctByKey(relativeSD, 3).collect()
      assert.strictEqual(counted2.length, new Set(sizes).size)
      for (const [k, count] of counted2) assert.isBelow(relativeError(count, k), 3 * 1.04 / 2 ** 7, `key ${k}: ${count}`)
      const bad = yield* flipFailure(sc.parallelize(stacked).countApproxDistinctByKey(0.00001).collect())
      assert.strictEqual(bad._tag, "InvalidArgumentError")
      assert.include(bad.message, "must be greater than 0.000017")
    }).pipe(Effect.scoped))
})

describe("treeAggregate combines on the executors", () => {
  it.effect("ten partitions at depth 2 reach the driver as two; depth 1 as ten", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext()
      const rdd = sc.parallelize(range(0, 100), 10)
      const events = recordEvents(sc)
      const lastJobTasks = () => {
        const stages = events.of("StageSubmitted")
        return stages[stages.length - 1]!.stageInfo.numTasks
      }
      assert.strictEqual(yield* rdd.treeAggregate(0, (a, x) => a + x, (a, b) => a + b, 2), 4950)
      // scale = max(ceil(sqrt(10)), 2) = 4; 10 > 4 + ceil(10 / 4): one level of 10 / 4 = 2 partitions.
      assert.strictEqual(lastJobTasks(), 2)
      assert.strictEqual(yield* rdd.treeAggregate(0, (a, x) => a + x, (a, b) => a + b, 1), 4950)
      assert.strictEqual(lastJobTasks(), 10)
      const error = yield* flipFailure(rdd.treeAggregate(0, (a, x) => a + x, (a, b) => a + b, 0))
      assert.strictEqual(error._tag, "InvalidArgumentError")
      assert.include(error.message, "depth must be an integer greater than or equal to 1, got 0")
      const reduceError = yield* flipFailure(rdd.treeReduce((a, b) => a + b, -1))
      assert.include(reduceError.message, "depth")
      // No partitions: a copy of the zero, without a job.
      const zero = [0]
      const result = yield* sc.emptyRDD<number>().treeAggregate(zero, (a) => a, (a) => a)
      assert.deepStrictEqual(result, [0])
      assert.notStrictEqual(result, zero)
    }).pipe(Effect.scoped))
})

describe("DoubleRDDSuite: histogram with given buckets", () => {
  const cases: ReadonlyArray<readonly [string, ReadonlyArray<number>, ReadonlyArray<number>, ReadonlyArray<number>, boolean]> = [
    ["WorksWithOutOfRangeWithOneBucket", [10.01, -0.01], [0, 10], [0], true],
    ["WorksInRangeWithOneBucket", [1, 2, 3, 4], [0, 10], [4], true],
    ["WorksInRangeWithOneBucketExactMatch", [1, 2, 3, 4], [1, 4], [4], true],
    ["WorksWithOutOfRangeWithTwoBuckets", [10.01, -0.01], [0, 5, 10], [0, 0], true],
    ["WorksWithOutOfRangeWithTwoUnEvenBuckets", [10.01, -0.01], [0, 4, 10], [0, 0], false],
    ["WorksInRangeWithTwoBuckets", [1, 2, 3, 5, 6], [0, 5, 10], [3, 2], true],
    ["WorksInRangeWithTwoBucketsAndNaN", [1, 2, 3, 5, 6, Number.NaN], [0, 5, 10], [3, 2], true],
    ["WorksInRangeWithTwoUnevenBuckets", [1, 2, 3, 5, 6], [0, 5, 11], [3, 2], false],
    ["WorksMixedRangeWithTwoUnevenBuckets", [-0.01, 0, 1, 2, 3, 5, 6, 11, 11.01], [0, 5, 11], [4, 3], false],
    [
      "WorksMixedRangeWithFourUnevenBuckets",
      [-0.01, 0, 1, 2, 3, 5, 6, 11.01, 12, 199, 200, 200.1],
      [0, 5, 11, 12, 200],
      [4, 2, 1, 3],
      false
    ],
    [
      "WorksMixedRangeWithUnevenBucketsAndNaN",
      [-0.01, 0, 1, 2, 3, 5, 6, 11.01, 12, 199, 200, 200.1, Number.NaN],
      [0, 5, 11, 12, 200],
      [4, 2, 1, 3],
      false
    ],
    [
      "WorksMixedRangeWithUnevenBucketsAndNaNAndNaNRange",
      [-0.01, 0, 1, 2, 3, 5, 6, 11.01, 12, 199, 200, 200.1, Number.NaN],
      [0, 5, 11, 12, 200, Number.NaN],
      [4, 2, 1, 2, 3],
      false
    ],
    [
      "WorksMixedRangeWithUnevenBucketsAndNaNAndNaNRangeAndInfity",
      [-0.01, 0, 1, 2, 3, 5, 6, 11.01, 12, 199, 200, 200.1, Infinity, -Infinity, Number.NaN],
      [0, 5, 11, 12, 200, Number.NaN],
      [4, 2, 1, 2, 4],
      false
    ],
    ["WorksWithOutOfRangeWithInfiniteBuckets", [10.01, -0.01, Number.NaN], [-Infinity, 0, Infinity], [1, 1], false]
  ]
  it.effect("Spark's cases, with the binary search and (where even) the fast path", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext()
      for (const [name, data, buckets, expected, even] of cases) {
        for (const slices of [1, 3]) {
          const rdd = sc.parallelize(data, slices)
          assert.deepStrictEqual(yield* rdd.histogram(buckets), [...expected], name)
          if (even) assert.deepStrictEqual(yield* rdd.histogram(buckets, true), [...expected], `${name} (evenBuckets)`)
        }
      }
    }).pipe(Effect.scoped))

  it.effect("WorksOnEmpty; ThrowsExceptionOnInvalidBucketArray; unsorted buckets", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext()
      for (const empty of [sc.parallelize<number>([], 2), sc.emptyRDD<number>()]) {
        assert.deepStrictEqual(yield* empty.histogram([0, 10]), [0])
        assert.deepStrictEqual(yield* empty.histogram([0, 10], true), [0])
      }
      const rdd = sc.parallelize([1])
      for (const buckets of [[], [1]]) {
        const error = yield* flipFailure(rdd.histogram(buckets))
        assert.strictEqual(error._tag, "InvalidArgumentError")
        assert.include(error.message, "buckets array must have at least two elements")
      }
      for (const buckets of [[0, 5, 3], [0, 5, 5], [0, Number.NaN, 10], [Number.NaN, Number.NaN]]) {
        const error = yield* flipFailure(rdd.histogram(buckets))
        assert.strictEqual(error._tag, "InvalidArgumentError")
        assert.include(error.message, "buckets must be sorted in increasing order without duplicates")
      }
    }).pipe(Effect.scoped))
})

describe("DoubleRDDSuite: histogram with a bucket count", () => {
  it.effect("WorksWithoutBuckets... cases and ThrowsExceptionOnInvalidRDDs", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext()
      const check = (rdd: RDD<number>, count: number, buckets: ReadonlyArray<number>, counts: ReadonlyArray<number>) =>
        Effect.map(rdd.histogram(count), ([b, c]) => {
          assert.deepStrictEqual(b, [...buckets])
          assert.deepStrictEqual(c, [...counts])
        })
      yield* check(sc.parallelize([1, 2, 3, 4]), 1, [1, 4], [4])
      yield* check(sc.parallelize([1]), 1, [1, 1], [1])
      yield* check(sc.parallelize([1, 1, 1, 1]), 1, [1, 1], [4])
      yield* check(sc.parallelize([1, 1, 1, 1], 3), 5, [1, 1], [4])
      yield* check(sc.parallelize([1, 2, 3, 4]), 2, [1, 2.5, 4], [2, 2])
      yield* check(sc.parallelize([1, 2]), 10, [1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2], [1, 0, 0, 0, 0, 0, 0, 0, 0, 1])
      yield* check(
        sc.parallelize(range(6, 100)),
        8,
        [6, 17.625, 29.25, 40.875, 52.5, 64.125, 75.75, 87.375, 99],
        [12, 12, 11, 12, 12, 11, 12, 12]
      )
      // SPARK-2862. The edges are 6, 16.33.., 26.66.., 37, ..., 68, ..., 99: 37 and 68 open buckets 3 and 6,
      // with the even-bucket lookup (the ratio taken first, as Spark 3.5 computes it) as with the binary search.
      const irrationalRdd = sc.parallelize(range(6, 100))
      const [irrational, irrationalCounts] = yield* irrationalRdd.histogram(9)
      assert.deepStrictEqual(irrationalCounts, [11, 10, 10, 11, 10, 10, 11, 10, 11])
      assert.deepStrictEqual(yield* irrationalRdd.histogram(irrational, false), irrationalCounts)
      assert.strictEqual(irrational[0], 6)
      assert.strictEqual(irrational[3], 37)
      assert.strictEqual(irrational[9], 99)
      for (const data of [[1, Infinity], [1, Number.NaN], []]) {
        const error = yield* flipFailure(sc.parallelize(data, 2).histogram(1))
        assert.strictEqual(error._tag, "UnsupportedOperationError")
        assert.include(error.message, "Histogram on either an empty RDD or RDD containing +/-infinity or NaN")
      }
      const noPartitions = yield* flipFailure(sc.emptyRDD<number>().histogram(1))
      assert.include(noPartitions.message, "empty collection")
      for (const count of [0, -1, 1.5]) {
        const error = yield* flipFailure(sc.parallelize([1, 2]).histogram(count))
        assert.strictEqual(error._tag, "InvalidArgumentError")
        assert.include(error.message, `bucketCount must be an integer >= 1, got ${count}`)
      }
    }).pipe(Effect.scoped))
})

describe("stats, sum, mean, variance, stdev", () => {
  it.effect("PartitioningSuite: zero-length partitions are handled", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext()
      const rdd = sc.parallelize([-1, -1, -1, -1, 2, 4, -1, -1], 8).filter((x) => x >= 0)
      const stats = yield* rdd.stats()
      assert.closeTo(stats.sum, 6, 0.01)
      assert.closeTo(yield* rdd.mean(), 3, 0.01)
      assert.closeTo(yield* rdd.variance(), 1, 0.01)
      assert.closeTo(yield* rdd.stdev(), 1, 0.01)
      assert.strictEqual(stats.max, 4)
      assert.strictEqual(stats.min, 2)
      assert.closeTo(yield* rdd.sampleVariance(), 2, 1e-12)
      assert.closeTo(yield* rdd.sampleStdev(), Math.SQRT2, 1e-12)
      assert.strictEqual(yield* rdd.sum(), 6)
    }).pipe(Effect.scoped))

  it.effect("JavaAPISuite's doubleRDD statistics", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext()
      const rdd = sc.parallelize([1.0, 1.0, 2.0, 3.0, 5.0, 8.0])
      assert.closeTo(yield* rdd.sum(), 20, 0.01)
      assert.closeTo(yield* rdd.mean(), 20 / 6, 0.01)
      assert.closeTo(yield* rdd.variance(), 6.22222, 0.01)
      assert.closeTo(yield* rdd.sampleVariance(), 7.46667, 0.01)
      assert.closeTo(yield* rdd.stdev(), 2.49444, 0.01)
      assert.closeTo(yield* rdd.sampleStdev(), 2.73252, 0.01)
      assert.strictEqual(yield* rdd.popVariance(), yield* rdd.variance())
      assert.strictEqual(yield* rdd.popStdev(), yield* rdd.stdev())
      const stats = yield* rdd.stats()
      assert.strictEqual(stats.count, 6)
      assert.strictEqual(stats.max, 8)
      assert.strictEqual(stats.min, 1)
    }).pipe(Effect.scoped))

  it.effect("an empty RDD: counters without values; an RDD without partitions: empty collection", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext()
      const stats = yield* sc.parallelize<number>([], 3).stats()
      assert.strictEqual(stats.count, 0)
      assert.strictEqual(stats.mean, 0)
      assert.isNaN(stats.variance)
      assert.strictEqual(stats.max, -Infinity)
      assert.strictEqual(yield* sc.parallelize<number>([], 3).sum(), 0)
      assert.strictEqual(yield* sc.emptyRDD<number>().sum(), 0)
      for (const action of [Effect.asVoid(sc.emptyRDD<number>().stats()), Effect.asVoid(sc.emptyRDD<number>().mean())]) {
        const error = yield* flipFailure(action)
        assert.strictEqual(error._tag, "UnsupportedOperationError")
        assert.include(error.message, "empty collection")
      }
    }).pipe(Effect.scoped))
})

// Every new action once on worker-thread and process executors: their functions ship by name or with their environment.
const masters = ["local[2]", "local-cluster[2,1,1024]", "local-process[2,1,1024]"] as const

describe.each(masters)("the new actions on %s", (master) => {
  it.live(
    "max, min, treeAggregate, treeReduce, takeSample, stats, histogram, countApproxDistinct(ByKey)",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const sc = yield* SparkContext.make({ master })
        const rdd = sc.parallelize(range(0, 200), 6)
        const offset = 3
        assert.strictEqual(yield* rdd.max(), 199)
        assert.strictEqual(yield* rdd.min((a, b) => b - a), 199)
        const seqOp = withEnv({ offset }, ({ offset }) => (acc: number, x: number) => acc + x + offset)
        assert.strictEqual(yield* rdd.treeAggregate(0, seqOp, (a, b) => a + b, 2), 19900 + 200 * offset)
        assert.strictEqual(yield* rdd.treeReduce((a, b) => a + b, 3), 19900)
        const sample = yield* rdd.takeSample(false, 10, 5)
        assert.strictEqual(new Set(sample).size, 10)
        assert.deepStrictEqual(yield* rdd.takeSample(false, 10, 5), sample)
        assert.strictEqual((yield* rdd.takeSample(true, 300, 5)).length, 300)
        const stats = yield* rdd.stats()
        assert.deepStrictEqual([stats.count, stats.mean, stats.max, stats.min], [200, 99.5, 199, 0])
        assert.strictEqual(yield* rdd.sum(), 19900)
        assert.deepStrictEqual(yield* rdd.histogram(2), [[0, 99.5, 199], [100, 100]])
        assert.deepStrictEqual(yield* rdd.histogram([0, 50, 199], false), [50, 150])
        assert.strictEqual(yield* rdd.map((x) => x % 50).countApproxDistinct(), 50)
        const byKey = yield* rdd.map((x) => [x % 2, x % 10] as const).countApproxDistinctByKey(0.05, 2).collect()
        assert.deepStrictEqual([...byKey].sort((a, b) => a[0] - b[0]), [[0, 5], [1, 5]])
      })),
    { timeout: 120_000 }
  )
})
