import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { withEnv } from "../../src/Closure.js"
import fc from "fast-check"
import { HashPartitioner, samePartitioner } from "../../src/rdd/Partitioner.js"
import type { OpRDD } from "../../src/internal/rdd/op.js"
import * as PartitionerAwareUnionRDD from "../../src/rdd/PartitionerAwareUnionRDD.js"
import type { RDD } from "../../src/rdd/RDD.js"
import { nums, pairs, slices } from "../arbitraries/data.js"
import { groupModel } from "../arbitraries/pipeline.js"
import { assertSameMultiset, canonical, checkProperty, flipFailure, makeContextIn, modes, multiset, recordEvents } from "../utils/spark.js"

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

/** An RDD of `[x, null]` hash partitioned into `n` and mapped back to `x`, keeping the partitioner (RDDSuite's makeRDDWithPartitioner). */
const withPartitioner = (rdd: RDD<number>, n: number): RDD<number> =>
  rdd.map((x) => [x, null] as const).partitionBy(new HashPartitioner(n)).mapPartitions((it) => Array.from(it, ([x]) => x), true)

describe.each(modes)("RDD partitioning, union, sort and zip as Spark's ($name)", (mode) => {
  it.effect("SparkContext.union: a UnionRDD, or a PartitionerAwareUnionRDD when all share a partitioner (RDDSuite)", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      const nums = sc.parallelize([1, 2, 3, 4], 2)
      assert.deepStrictEqual(yield* sc.union([nums]).collect(), [1, 2, 3, 4])
      assert.deepStrictEqual(yield* sc.union([nums, nums]).collect(), [1, 2, 3, 4, 1, 2, 3, 4])
      assert.deepStrictEqual(yield* nums.union(nums).collect(), [1, 2, 3, 4, 1, 2, 3, 4])
      const partitioned = sc.parallelize([[1, true]] as Array<[number, boolean]>).partitionBy(new HashPartitioner(1))
      const plain = sc.parallelize([[2, true]] as Array<[number, boolean]>)
      assert.strictEqual(sc.union([plain, partitioned]).op.kind, "UnionRDD")
      assert.strictEqual(sc.union([partitioned, partitioned]).op.kind, "PartitionerAwareUnionRDD")
      assert.strictEqual(partitioned.union(partitioned).op.kind, "PartitionerAwareUnionRDD", "rdd.union chooses as sc.union")
      // SPARK-23778: empty inputs are left out.
      const empty = sc.emptyRDD<[number, boolean]>()
      assert.strictEqual(sc.union([empty, partitioned]).op.kind, "PartitionerAwareUnionRDD")
      const allEmpty = sc.union([empty, empty])
      assert.strictEqual(allEmpty.op.kind, "UnionRDD")
      assert.deepStrictEqual(yield* allEmpty.collect(), [])
      assert.strictEqual(sc.union<number>([]).numPartitions, 0, "no inputs: no partitions, as Spark's")
      assert.strictEqual((yield* nums.union(sc.emptyRDD()).collect()).length, 4)
    }).pipe(Effect.scoped))

  it.effect("partitioner aware union: partition i of the union is partition i of every input (RDDSuite)", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      const nums1 = withPartitioner(sc.parallelize([1, 2, 3, 4], 1), 2)
      const nums2 = withPartitioner(sc.parallelize([5, 6, 7, 8], 1), 2)
      assert.isTrue(samePartitioner(nums1.partitioner!, nums2.partitioner))
      const union = sc.union([nums1, nums2])
      assert.strictEqual(union.op.kind, "PartitionerAwareUnionRDD")
      assert.deepStrictEqual((yield* union.collect()).sort(), [1, 2, 3, 4, 5, 6, 7, 8])
      const [parts1, parts2, unionParts] = [yield* nums1.glom().collect(), yield* nums2.glom().collect(), yield* union.glom().collect()]
      assert.strictEqual(unionParts.length, 2)
      for (const i of [0, 1]) assert.deepStrictEqual(unionParts[i], [...parts1[i]!, ...parts2[i]!])
      assert.strictEqual(union.partitioner, nums1.partitioner)
      // The host most inputs prefer, per partition.
      const parent = (host: string) => ({ preferredLocations: () => [host], partitions: [{ index: 0 }] })
      const op = PartitionerAwareUnionRDD.partitionerAwareUnion(new HashPartitioner(1))
      const fake = { dependencies: [parent("b"), parent("a"), parent("a")].map((rdd) => ({ _tag: "OneToOne", rdd })) }
      const split = { index: 0, parents: [{ index: 0 }, { index: 0 }, { index: 0 }] }
      assert.deepStrictEqual(op.preferredLocations!(fake as unknown as OpRDD, split), ["a"])
      const direct = sc.union([sc.makeRDD([[1, ["a"]]]), sc.makeRDD([[2, ["b"]]])])
      assert.deepStrictEqual(direct.preferredLocations(direct.partitions[1]!), ["b"])
    }).pipe(Effect.scoped))

  it.effect("repartition: typed errors, and load balancing (RDDSuite)", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      const data = sc.parallelize(Array.from({ length: 1000 }, (_, i) => i + 1), 10)
      const zero = yield* flipFailure(data.repartition(0).count())
      assert.strictEqual(zero._tag, "InvalidArgumentError")
      assert.include(zero.message, "numPartitions")
      const twenty = data.repartition(20)
      const sizes = (yield* twenty.glom().collect()).map((p) => p.length)
      assert.strictEqual(sizes.length, 20)
      assert.isTrue(sizes.every((n) => n > 0), `sizes ${sizes}`)
      assert.deepStrictEqual((yield* twenty.collect()).sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i + 1))
      const halves = (yield* sc.parallelize(new Array(1000).fill(1), 10).repartition(2).glom().collect()).map((p) => p.length)
      for (const n of halves) assert.isBelow(Math.abs(n - 500), 10, `halves ${halves}`)
      const split = (input: ReadonlyArray<number>, initial: number, final: number) =>
        Effect.gen(function*() {
          const parts = yield* sc.parallelize(input, initial).repartition(final).glom().collect()
          assert.strictEqual(parts.length, final)
          assertSameMultiset(parts.flat(), input)
          const maxPossible = Math.floor(input.length / final) + initial
          for (const p of parts) {
            assert.isAtMost(p.length, maxPossible)
            assert.isAbove(p.length, 0, `${input.length} in ${initial} to ${final}: an empty partition`)
          }
        })
      yield* split(new Array(100).fill(1), 10, 20)
      yield* split([...new Array(10000).fill(1), ...new Array(10000).fill(2)], 20, 100)
      yield* split(new Array(1000).fill(1), 250, 128)
      // SPARK-4019: many empty partitions.
      assert.deepStrictEqual(
        (yield* sc.parallelize([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 1000).repartition(2001).collect()).sort((a, b) => a - b),
        [
          0,
          1,
          2,
          3,
          4,
          5,
          6,
          7,
          8,
          9
        ]
      )
    }).pipe(Effect.scoped))

  it.effect("coalesced RDDs (RDDSuite)", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      const data = sc.parallelize([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 10)
      assert.strictEqual((yield* flipFailure(data.coalesce(0).count()))._tag, "InvalidArgumentError")
      assert.deepStrictEqual(yield* data.coalesce(2).glom().collect(), [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]])
      assert.deepStrictEqual(yield* data.coalesce(3).glom().collect(), [[1, 2, 3], [4, 5, 6], [7, 8, 9, 10]])
      assert.strictEqual(data.coalesce(20).numPartitions, 10, "without a shuffle, never more partitions")
      // With a shuffle: values of a coalesced shuffle, as Spark's lineage.
      const shuffled = data.coalesce(1, true)
      assert.strictEqual(shuffled.dependencies[0]!.rdd.op.kind, "CoalescedRDD")
      assert.strictEqual(shuffled.dependencies[0]!.rdd.dependencies[0]!.rdd.op.kind, "ShuffledRDD")
      const more = data.coalesce(20, true)
      assert.strictEqual(more.numPartitions, 20)
      assert.deepStrictEqual((yield* more.collect()).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    }).pipe(Effect.scoped))

  it.effect("sortBy: on strings, descending, with an explicit ordering, and of an empty RDD (RDDSuite)", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      const data = sc.parallelize(["5|50|A", "4|60|C", "6|40|B"])
      const field = (i: number) => withEnv({ i }, ({ i }) => (s: string) => s.split("|")[i]!)
      assert.deepStrictEqual(yield* (yield* data.sortBy(field(0))).collect(), ["4|60|C", "5|50|A", "6|40|B"])
      assert.deepStrictEqual(yield* (yield* data.sortBy(field(1))).collect(), ["6|40|B", "5|50|A", "4|60|C"])
      assert.deepStrictEqual(yield* (yield* data.sortBy(field(2))).collect(), ["5|50|A", "6|40|B", "4|60|C"])
      assert.deepStrictEqual(yield* (yield* data.sortBy(field(0), false)).collect(), ["6|40|B", "5|50|A", "4|60|C"])
      const people = sc.parallelize(["Bob|Smith|50", "Jane|Smith|40", "Thomas|Williams|30", "Karen|Williams|60"])
      const parse = (s: string) => {
        const [first, last, age] = s.split("|")
        return { first: first!, last: last!, age: Number(age) }
      }
      type Person = ReturnType<typeof parse>
      const byAge = (a: Person, b: Person) => a.age - b.age
      const byName = (a: Person, b: Person) => a.last.localeCompare(b.last) || a.first.localeCompare(b.first)
      assert.deepStrictEqual(yield* (yield* people.sortBy(parse, true, 2, byAge)).collect(), [
        "Thomas|Williams|30",
        "Jane|Smith|40",
        "Bob|Smith|50",
        "Karen|Williams|60"
      ])
      assert.deepStrictEqual(yield* (yield* people.sortBy(parse, true, 2, byName)).collect(), [
        "Bob|Smith|50",
        "Jane|Smith|40",
        "Karen|Williams|60",
        "Thomas|Williams|30"
      ])
      const emptySorted = yield* sc.emptyRDD<number>().sortBy((x) => x)
      assert.deepStrictEqual(yield* emptySorted.collect(), [])
      assert.strictEqual(emptySorted.numPartitions, 1, "Spark's RangePartitioner over nothing: one partition")
    }).pipe(Effect.scoped))

  it.effect("zip errors, zipWithUniqueId without a job, sample fractions (RDDSuite)", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      const nums = sc.parallelize([1, 2, 3, 4], 2)
      assert.deepStrictEqual(yield* nums.zip(nums.map((x) => x + 0.5)).glom().collect(), [[[1, 1.5], [2, 2.5]], [[3, 3.5], [4, 4.5]]])
      const partitions = yield* flipFailure(nums.zip(sc.parallelize([1, 2, 3, 4], 1)).collect())
      assert.strictEqual(partitions._tag, "InvalidArgumentError")
      assert.include(partitions.message, "Can't zip RDDs with unequal numbers of partitions")
      const elements = yield* flipFailure(nums.zip(sc.parallelize([1, 2, 3, 4, 5], 2)).collect())
      assert.include(elements.message, "Can only zip RDDs with same number of elements in each partition")

      const events = recordEvents(sc)
      const data = sc.parallelize(Array.from({ length: 10 }, (_, i) => i), 3)
      const ranked = data.zipWithUniqueId()
      yield* sc.waitForListeners()
      assert.strictEqual(events.of("JobStart").length, 0, "zipWithUniqueId runs no job")
      const glommed = yield* ranked.glom().collect()
      glommed.forEach((part, k) => part.forEach(([, id], i) => assert.strictEqual(id, i * 3 + k)))
      assert.strictEqual(new Set(glommed.flat().map(([, id]) => id)).size, 10)
      assert.deepStrictEqual(glommed.flat().map(([x]) => x), Array.from({ length: 10 }, (_, i) => i))

      const negative = yield* flipFailure(nums.sample(true, -0.5).count())
      assert.strictEqual(negative._tag, "InvalidArgumentError")
      assert.include(negative.message, "fraction")
      assert.strictEqual((yield* flipFailure(nums.sample(false, 1.5).count()))._tag, "InvalidArgumentError")
      assert.isAbove(yield* sc.parallelize(Array.from({ length: 100 }, (_, i) => i), 2).sample(true, 2, 7).count(), 100)
      // Sampling keeps the partitioner (RDDSuite "sample preserves partitioner").
      const partitioned = sc.parallelize([[0, 1], [2, 3]] as Array<[number, number]>).partitionBy(new HashPartitioner(2))
      for (const withReplacement of [true, false]) {
        assert.strictEqual(partitioned.sample(withReplacement, 1).partitioner, partitioned.partitioner)
      }
    }).pipe(Effect.scoped))
})
