import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import fc from "fast-check"
import { HashPartitioner } from "../../src/rdd/Partitioner.js"
import { nums, pairs, slices } from "../arbitraries/data.js"
import { groupModel } from "../arbitraries/pipeline.js"
import { assertSameMultiset, canonical, checkProperty, makeContextIn, modes, multiset } from "../utils/spark.js"

const RUNS = { numRuns: 50 }

/** Whether every element of `sub` occurs in `all` at least as often. */
const isSubMultiset = (sub: ReadonlyArray<unknown>, all: ReadonlyArray<unknown>) => {
  const counts = new Map<string, number>()
  for (const x of all) counts.set(canonical(x), (counts.get(canonical(x)) ?? 0) + 1)
  for (const x of sub) {
    const n = counts.get(canonical(x)) ?? 0
    if (n === 0) return false
    counts.set(canonical(x), n - 1)
  }
  return true
}

describe.each(modes)("RDD transformations ($name)", (mode) => {
  it.effect("parallelize slices evenly and glom shows the slices", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      yield* checkProperty(fc.record({ data: nums(40), slices: fc.integer({ min: 1, max: 8 }) }), ({ data, slices }) =>
        Effect.gen(function*() {
          const glommed = yield* sc.parallelize(data, slices).glom().collect()
          const expected = Array.from({ length: slices }, (_, i) =>
            data.slice(Math.floor((i * data.length) / slices), Math.floor(((i + 1) * data.length) / slices)))
          assert.deepStrictEqual(glommed, expected)
        }), RUNS)
    }).pipe(Effect.scoped))

  it.effect("sample is a sub-multiset and the same seed gives the same sample", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      yield* checkProperty(
        fc.record({
          data: nums(40),
          slices,
          withReplacement: fc.boolean(),
          fraction: fc.double({ min: 0, max: 1, noNaN: true }),
          seed: fc.integer()
        }),
        ({ data, fraction, seed, slices, withReplacement }) =>
          Effect.gen(function*() {
            const rdd = sc.parallelize(data, slices)
            const sample = yield* rdd.sample(withReplacement, fraction, seed).collect()
            const again = yield* sc.parallelize(data, slices).sample(withReplacement, fraction, seed).collect()
            assert.deepStrictEqual(again, sample, "deterministic for a seed")
            if (withReplacement) { for (const x of sample) assert.include(data, x) }
            else assert.isTrue(isSubMultiset(sample, data), "a sub-multiset")
            if (fraction === 0) assert.deepStrictEqual(sample, [])
            if (!withReplacement && fraction === 1) assert.deepStrictEqual(sample, data)
          }),
        RUNS
      )
    }).pipe(Effect.scoped))

  it.effect("sampling a large dataset keeps about the fraction", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      const n = yield* sc.range(0, 20_000, 1, 4).sample(false, 0.3, 7).count()
      assert.isTrue(n > 5400 && n < 6600, `${n} of 20000 at fraction 0.3`)
      const m = yield* sc.range(0, 20_000, 1, 4).sample(true, 2, 7).count()
      assert.isTrue(m > 38_000 && m < 42_000, `${m} of 20000 at fraction 2 with replacement`)
    }).pipe(Effect.scoped))

  it.effect("groupByKey groups every value of a key exactly once", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      yield* checkProperty(fc.record({ data: pairs(40), slices, parts: fc.integer({ min: 1, max: 4 }) }), ({ data, parts, slices }) =>
        Effect.gen(function*() {
          const grouped = yield* sc.parallelize(data, slices).groupByKey(parts).collect()
          const normalize = (groups: ReadonlyArray<readonly [unknown, ReadonlyArray<number>]>) =>
            groups.map(([k, vs]) => [
              k,
              [...vs].sort((a, b) =>
                a - b
              )
            ])
          assert.deepStrictEqual(multiset(normalize(grouped)), multiset(normalize(groupModel(data))))
        }), RUNS)
    }).pipe(Effect.scoped))

  it.effect("coalesce merges neighbouring partitions without a shuffle, keeping order", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      yield* checkProperty(fc.record({ data: nums(40), slices, n: fc.integer({ min: 1, max: 8 }) }), ({ data, n, slices }) =>
        Effect.gen(function*() {
          const coalesced = sc.parallelize(data, slices).coalesce(n)
          assert.strictEqual(coalesced.numPartitions, Math.min(n, slices))
          assert.isTrue(coalesced.dependencies.every((d) =>
            d._tag !== "Shuffle"
          ))
          assert.deepStrictEqual(yield* coalesced.collect(), data)
          const shuffled = sc.parallelize(data, slices).coalesce(n, true)
          assert.strictEqual(shuffled.numPartitions, n)
          assertSameMultiset(yield* shuffled.collect(), data)
        }), RUNS)
    }).pipe(Effect.scoped))

  it.effect("repartition balances partitions", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      const sizes = (yield* sc.range(0, 1000, 1, 1).repartition(4).glom().collect()).map((p) => p.length)
      assert.strictEqual(sizes.length, 4)
      assert.strictEqual(sizes.reduce((a, b) => a + b, 0), 1000)
      for (const size of sizes) assert.isTrue(size === 250, `sizes ${sizes}`)
    }).pipe(Effect.scoped))

  it.effect("partitioners are kept by mapValues and filter, dropped by map, and avoid shuffles", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      const data = Array.from({ length: 50 }, (_, i) => [i % 7, i] as const)
      const reduced = sc.parallelize(data, 3).reduceByKey((a, b) => a + b, 4)
      assert.isTrue(new HashPartitioner(4).equals(reduced.partitioner))
      assert.isTrue(new HashPartitioner(4).equals(reduced.mapValues((v) => v + 1).partitioner))
      assert.isTrue(new HashPartitioner(4).equals(reduced.filter(() => true).partitioner))
      assert.isUndefined(reduced.map((kv) => kv).partitioner)
      // Already partitioned: a second reduceByKey and a join with a co-partitioned RDD shuffle nothing more.
      const again = reduced.reduceByKey((a, b) => a + b, 4)
      assert.isTrue(again.dependencies.every((d) => d._tag !== "Shuffle"))
      const other = sc.parallelize(data, 2).partitionBy(new HashPartitioner(4))
      const joined = reduced.cogroup(other)
      assert.isTrue(joined.dependencies.every((d) => d._tag !== "Shuffle"))
      assert.strictEqual(yield* reduced.join(other).count(), 50)
      // Every key of a hash-partitioned RDD is in the partition its partitioner says.
      const parts = yield* reduced.glom().collect()
      parts.forEach((records, index) => {
        for (const [k] of records) assert.strictEqual(new HashPartitioner(4).getPartition(k), index)
      })
    }).pipe(Effect.scoped))

  it.effect("range counts like a loop, for positive and negative steps", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      yield* checkProperty(
        fc.record({
          start: fc.integer({ min: -50, max: 50 }),
          end: fc.integer({ min: -50, max: 50 }),
          step: fc.integer({ min: -7, max: 7 }).filter((s) => s !== 0),
          slices
        }),
        ({ end, slices, start, step }) =>
          Effect.gen(function*() {
            const expected: Array<number> = []
            for (let x = start; step > 0 ? x < end : x > end; x += step) expected.push(x)
            assert.deepStrictEqual(yield* sc.range(start, end, step, slices).collect(), expected)
          }),
        RUNS
      )
    }).pipe(Effect.scoped))

  it.effect("makeRDD keeps one partition per element with its preferred hosts", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      const rdd = sc.makeRDD([[1, ["h1"]], [2, ["h2", "h3"]], [3, []]] as const)
      assert.strictEqual(rdd.numPartitions, 3)
      assert.deepStrictEqual(rdd.partitions.map((p) => rdd.preferredLocations(p)), [["h1"], ["h2", "h3"], []])
      assert.deepStrictEqual(yield* rdd.collect(), [1, 2, 3])
    }).pipe(Effect.scoped))

  it.effect("toDebugString shows the lineage, indented at shuffles", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      const rdd = sc.parallelize([1, 2, 3], 2).map((x) => [x, x] as const).reduceByKey((a, b) => a + b, 3).cache()
      const text = rdd.toDebugString()
      assert.match(text, /^\(3\) ShuffledRDD\[\d+\] \[MEMORY_ONLY\]/)
      assert.match(text, /\n {3}\+-\(2\) MapPartitionsRDD/)
      assert.match(text, /ParallelCollectionRDD/)
    }).pipe(Effect.scoped))
})
