// The actions of issue 13 against plain-array models, over random data and
// partition counts: max/min, treeAggregate/treeReduce, stats, histogram, takeSample.
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import fc from "fast-check"
import { withEnv } from "../../src/Closure.js"
import { compareKeys } from "../../src/util/Ordering.js"
import { key, nums, smallInt } from "../arbitraries/data.js"
import { canonical, checkProperty, makeContextIn, modes, multiset, workerThreads } from "../utils/spark.js"

const RUNS = { numRuns: 40 }
const partitions = fc.integer({ min: 1, max: 12 })
const doubles = fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), { maxLength: 40 })

/** Histogram model: a linear scan, buckets [b0, b1), ..., [bn-1, bn] (the last closed). */
const histogramModel = (data: ReadonlyArray<number>, buckets: ReadonlyArray<number>): Array<number> => {
  const counts = new Array<number>(buckets.length - 1).fill(0)
  for (const x of data) {
    for (let i = 0; i < counts.length; i++) {
      const last = i === counts.length - 1
      if (x >= buckets[i]! && (x < buckets[i + 1]! || (last && x === buckets[i + 1]!))) {
        counts[i]!++
        break
      }
    }
  }
  return counts
}

/** Sorted, distinct bucket edges. */
const bucketEdges = fc.uniqueArray(fc.integer({ min: -30, max: 30 }), { minLength: 2, maxLength: 8 }).map((xs) => xs.sort((a, b) => a - b))

/** Whether `sample` is a sub-multiset of `data`. */
const isSubMultiset = (sample: ReadonlyArray<unknown>, data: ReadonlyArray<unknown>): boolean => {
  const left = new Map<string, number>()
  for (const x of data) left.set(canonical(x), (left.get(canonical(x)) ?? 0) + 1)
  for (const x of sample) {
    const n = left.get(canonical(x)) ?? 0
    if (n === 0) return false
    left.set(canonical(x), n - 1)
  }
  return true
}

describe.each([...modes, workerThreads])("issue 13 actions equal their models ($name)", (mode) => {
  it.effect("max and min (structural keys, default and custom orderings)", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      yield* checkProperty(fc.record({ data: fc.array(key, { minLength: 1, maxLength: 30 }), slices: partitions }), ({ data, slices }) =>
        Effect.gen(function*() {
          const rdd = sc.parallelize(data, slices)
          const sorted = [...data].sort(compareKeys)
          assert.strictEqual(canonical(yield* rdd.max()), canonical(sorted.at(-1)))
          assert.strictEqual(canonical(yield* rdd.min()), canonical(sorted[0]))
          const reversed = withEnv({ compareKeys }, ({ compareKeys }) =>
          (a: unknown, b: unknown) => compareKeys(b, a))
          assert.strictEqual(canonical(yield* rdd.max(reversed)), canonical(sorted[0]))
        }), RUNS)
    }).pipe(Effect.scoped))

  it.effect("treeAggregate and treeReduce equal a fold, at any depth", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      yield* checkProperty(
        fc.record({ data: nums(60), slices: partitions, depth: fc.integer({ min: 1, max: 4 }) }),
        ({ data, depth, slices }) =>
          Effect.gen(function*() {
            const rdd = sc.parallelize(data, slices)
            const sum = data.reduce((a, b) => a + b, 0)
            assert.strictEqual(yield* rdd.treeAggregate(0, (a, x) => a + x, (a, b) => a + b, depth), sum)
            // A zero applied per partition and per tree node does not change a sum with zero 0; with a
            // collection zero the elements come back as a multiset.
            const collected = yield* rdd.treeAggregate([] as Array<number>, (acc, x) => [...acc, x], (a, b) => [...a, ...b], depth)
            assert.deepStrictEqual(multiset(collected), multiset(data))
            if (data.length > 0) assert.strictEqual(yield* rdd.treeReduce((a, b) => Math.max(a, b), depth), Math.max(...data))
          }),
        RUNS
      )
    }).pipe(Effect.scoped))

  it.effect("stats, sum and the statistics equal the two-pass model", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      yield* checkProperty(fc.record({ data: doubles, slices: partitions }), ({ data, slices }) =>
        Effect.gen(function*() {
          const rdd = sc.parallelize(data, slices)
          const n = data.length
          const mean = n === 0 ? 0 : data.reduce((a, b) => a + b, 0) / n
          const m2 = data.reduce((a, x) => a + (x - mean) ** 2, 0)
          const stats = yield* rdd.stats()
          assert.strictEqual(stats.count, n)
          assert.closeTo(stats.mean, mean, 1e-6)
          assert.closeTo(yield* rdd.sum(), mean * n, 1e-4)
          assert.strictEqual(stats.max, n === 0 ? -Infinity : Math.max(...data))
          assert.strictEqual(stats.min, n === 0 ? Infinity : Math.min(...data))
          if (n === 0) assert.isNaN(yield* rdd.variance())
          else assert.closeTo(yield* rdd.variance(), m2 / n, 1e-6 * Math.max(1, m2 / n))
          if (n <= 1) assert.isNaN(yield* rdd.sampleStdev())
          else assert.closeTo(yield* rdd.sampleStdev(), Math.sqrt(m2 / (n - 1)), 1e-6 * Math.max(1, Math.sqrt(m2)))
        }), RUNS)
    }).pipe(Effect.scoped))

  it.effect("histogram(buckets) equals a linear scan; histogram(count) spans min to max and counts every element", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      yield* checkProperty(
        fc.record({
          data: fc.array(fc.integer({ min: -40, max: 40 }), { maxLength: 40 }),
          slices: partitions,
          buckets: bucketEdges,
          count: fc.integer({ min: 1, max: 9 })
        }),
        ({ buckets, count, data, slices }) =>
          Effect.gen(function*() {
            const rdd = sc.parallelize(data, slices)
            assert.deepStrictEqual(yield* rdd.histogram(buckets), histogramModel(data, buckets))
            const even = Array.from({ length: count + 1 }, (_, i) => -20 + 5 * i)
            assert.deepStrictEqual(yield* rdd.histogram(even, true), histogramModel(data, even))
            if (data.length === 0) return
            const [edges, counts] = yield* rdd.histogram(count)
            const [min, max] = [Math.min(...data), Math.max(...data)]
            assert.strictEqual(edges[0], min)
            assert.strictEqual(edges.at(-1), max)
            assert.strictEqual(counts.reduce((a, b) => a + b, 0), data.length)
            assert.strictEqual(edges.length, min === max ? 2 : count + 1)
            // Distinct edges count the same by binary search ([x, x] for a single value is refused: duplicates).
            if (min !== max) assert.deepStrictEqual(yield* rdd.histogram(edges, false), counts)
          }),
        RUNS
      )
    }).pipe(Effect.scoped))

  it.effect("takeSample: a sub-multiset of min(num, n) without replacement, exactly num with; the same per seed", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      yield* checkProperty(
        fc.record({
          data: fc.array(smallInt, { maxLength: 60 }),
          slices: partitions,
          num: fc.integer({ min: 0, max: 80 }),
          withReplacement: fc.boolean(),
          seed: fc.integer()
        }),
        ({ data, num, seed, slices, withReplacement }) =>
          Effect.gen(function*() {
            const rdd = sc.parallelize(data, slices)
            const sample = yield* rdd.takeSample(withReplacement, num, seed)
            if (withReplacement) {
              assert.strictEqual(sample.length, data.length === 0 ? 0 : num)
              assert.isTrue(sample.every((x) => data.includes(x)))
            } else {
              assert.strictEqual(sample.length, Math.min(num, data.length))
              assert.isTrue(isSubMultiset(sample, data))
            }
            assert.deepStrictEqual(yield* rdd.takeSample(withReplacement, num, seed), sample)
          }),
        RUNS
      )
    }).pipe(Effect.scoped))
})
