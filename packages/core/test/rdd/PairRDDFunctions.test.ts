// Spark's PairRDDFunctionsSuite and RDDSuite cases for subtractByKey, subtract,
// lookup, collectAsMap, groupWith, partitionBy with user partitioners and
// repartitionAndSortWithinPartitions, in both in-process modes (closures as
// they are, and every task through its shipped form).
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { HashPartitioner, Partitioner } from "../../src/rdd/Partitioner.js"
import type { RDD } from "../../src/rdd/RDD.js"
import { assertSameMultiset, flipFailure, makeContextIn, modes, recordEvents } from "../utils/spark.js"

/** Spark's "deterministic partitioner" of the narrow-dependency tests: the key is the partition. */
class KeyIsPartition extends Partitioner {
  readonly numPartitions = 5
  getPartition(key: unknown) {
    return key as number
  }
}

const isShuffle = (rdd: RDD<unknown>) => rdd.dependencies.map((d) => d._tag === "Shuffle")

describe.each(modes)("pair operations ($name)", (mode) => {
  it.effect("subtractByKey, also with a narrow dependency on a co-partitioned side (PairRDDFunctionsSuite)", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      const a = sc.parallelize([[1, "a"], [1, "a"], [2, "b"], [3, "c"]] as Array<[number, string]>, 2)
      const b = sc.parallelize([[2, 20], [3, 30], [4, 40]] as Array<[number, number]>, 4)
      const c = a.subtractByKey(b)
      assertSameMultiset(yield* c.collect(), [[1, "a"], [1, "a"]])
      assert.strictEqual(c.numPartitions, a.numPartitions)
      assert.deepStrictEqual(isShuffle(c as RDD<unknown>), [true, true])

      const p = new KeyIsPartition()
      const partitioned = sc.parallelize([[1, "a"], [1, "a"], [2, "b"], [3, "c"]] as Array<[number, string]>).partitionBy(p)
      const narrow = partitioned.subtractByKey(sc.parallelize([[2, "b"], [3, "cc"], [4, "d"]] as Array<[number, string]>, 4))
      assertSameMultiset(yield* narrow.collect(), [[1, "a"], [1, "a"]])
      assert.strictEqual(narrow.partitioner, p, "subtractByKey keeps this side's partitioner")
      assert.deepStrictEqual(isShuffle(narrow as RDD<unknown>), [false, true], "this side is read without a shuffle")
      // An explicit count hash partitions both sides.
      const counted = a.subtractByKey(b, 3)
      assert.strictEqual(counted.numPartitions, 3)
      assertSameMultiset(yield* counted.collect(), [[1, "a"], [1, "a"]])
      const bad = yield* flipFailure(a.subtractByKey(b, 0).collect())
      assert.strictEqual(bad._tag, "InvalidArgumentError")
      assert.include(bad.message, "numPartitions")
    }).pipe(Effect.scoped))

  it.effect("subtract, also of a partitioned RDD of pairs (PairRDDFunctionsSuite)", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      const a = sc.parallelize([1, 2, 3], 2)
      const c = a.subtract(sc.parallelize([2, 3, 4], 4))
      assert.deepStrictEqual(yield* c.collect(), [1])
      assert.strictEqual(c.numPartitions, a.numPartitions)
      const pairs = sc.parallelize([[1, "a"], [2, "b"], [3, "c"]] as Array<[number, string]>).partitionBy(new KeyIsPartition())
      const d = pairs.subtract(sc.parallelize([[2, "b"], [3, "cc"], [4, "d"]] as Array<[number, string]>, 4))
      assertSameMultiset(yield* d.collect(), [[1, "a"], [3, "c"]])
      assert.isUndefined(d.partitioner, "as Spark, the element-keyed result has no partitioner")
      // Duplicates of kept elements stay.
      assert.deepStrictEqual(yield* sc.parallelize([1, 1, 2], 2).subtract(sc.parallelize([2])).collect(), [1, 1])
    }).pipe(Effect.scoped))

  it.effect("lookup without and with a partitioner, which runs one task; a bad partitioner fails (PairRDDFunctionsSuite)", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      const pairs = sc.parallelize([[1, 2], [3, 4], [5, 6], [5, 7]] as Array<[number, number]>)
      assert.isUndefined(pairs.partitioner)
      assert.deepStrictEqual(yield* pairs.lookup(1), [2])
      assert.deepStrictEqual(yield* pairs.lookup(5), [6, 7])
      assert.deepStrictEqual(yield* pairs.lookup(-1), [])

      const p = { numPartitions: 2, getPartition: (key: unknown) => Math.abs((key as number) % 2) }
      const shuffled = pairs.partitionBy(p)
      assert.strictEqual(shuffled.partitioner, p)
      const events = recordEvents(sc)
      assert.deepStrictEqual(yield* shuffled.lookup(1), [2])
      assert.deepStrictEqual(yield* shuffled.lookup(5), [6, 7])
      assert.deepStrictEqual(yield* shuffled.lookup(-1), [])
      yield* sc.waitForListeners()
      const resultStages = events.of("JobStart").map((job) => job.stageInfos[job.stageInfos.length - 1]!)
      assert.deepStrictEqual(resultStages.map((s) => s.numTasks), [1, 1, 1], "one task per lookup")

      const bad = pairs.partitionBy({ numPartitions: 2, getPartition: (key: unknown) => (key as number) % 2 })
      assert.deepStrictEqual(yield* bad.lookup(1), [2])
      const error = yield* flipFailure(bad.lookup(-1))
      assert.strictEqual(error._tag, "InvalidArgumentError")
      assert.include(error.message, "partition -1")
      // Structural keys are looked up structurally.
      const tuples = sc.parallelize([[[1, "a"], 1], [[1, "b"], 2], [[1, "a"], 3]] as Array<[[number, string], number]>, 2)
      assert.deepStrictEqual(yield* tuples.lookup([1, "a"]), [1, 3])
      assert.deepStrictEqual(yield* tuples.partitionBy(new HashPartitioner(3)).lookup([1, "a"]).pipe(Effect.map((v) => v.sort())), [1, 3])
    }).pipe(Effect.scoped))

  it.effect("a user getPartition outside 0..numPartitions-1 fails the job, naming the partitioner, the key and the range", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      const pairs = sc.parallelize([[1, "a"], [7, "b"]] as Array<[number, string]>, 2)
      const plain = yield* flipFailure(pairs.partitionBy({ numPartitions: 2, getPartition: (key: unknown) => key as number }).count())
      assert.include(
        plain.message,
        "the partitioner's.getPartition(7) returned 7: it must return a whole number from 0 to numPartitions - 1 (1)"
      )
      const subclass = yield* flipFailure(pairs.partitionBy(new KeyIsPartition()).collect())
      assert.include(subclass.message, "KeyIsPartition.getPartition(7) returned 7")
      // The context stays usable.
      assert.strictEqual(yield* pairs.partitionBy(new HashPartitioner(2)).count(), 2)
    }).pipe(Effect.scoped))

  it.effect("collectAsMap: the last value of a key wins; countByKey counts (PairRDDFunctionsSuite)", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      const pairs = sc.parallelize([[1, 2], [3, 4], [5, 6], [5, 7]] as Array<[number, number]>, 2)
      const map = yield* pairs.collectAsMap()
      assert.deepStrictEqual([...map.entries()].sort((x, y) => x[0] - y[0]), [[1, 2], [3, 4], [5, 7]])
      const structural = yield* sc.parallelize([[[1, "a"], 1], [[1, "a"], 2]] as Array<[[number, string], number]>).collectAsMap()
      assert.strictEqual(structural.size, 1)
      assert.strictEqual(structural.get([1, "a"]), 2)
      const counts = yield* pairs.countByKey()
      assert.deepStrictEqual([1, 3, 5].map((k) => counts.get(k)), [1, 1, 2])
      assert.strictEqual((yield* sc.emptyRDD<[number, number]>().collectAsMap()).size, 0)
    }).pipe(Effect.scoped))

  it.effect("groupWith is cogroup with one, two or three others (PairRDDFunctionsSuite)", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      const pairs1 = sc.parallelize([[1, 1], [1, 2], [2, 1], [3, 1]] as Array<[number, number]>)
      const pairs2 = sc.parallelize([[1, "x"], [2, "y"], [2, "z"], [4, "w"]] as Array<[number, string]>)
      const pairs3 = sc.parallelize([[1, "a"], [3, "b"], [4, "c"], [4, "d"]] as Array<[number, string]>)
      const pairs4 = sc.parallelize([[1, true], [5, false]] as Array<[number, boolean]>)
      const sorted = <A>(rows: Array<[number, A]>) => rows.sort((x, y) => x[0] - y[0])
      assert.deepStrictEqual(sorted(yield* pairs1.groupWith(pairs2).collect()), [
        [1, [[1, 2], ["x"]]],
        [2, [[1], ["y", "z"]]],
        [3, [[1], []]],
        [4, [[], ["w"]]]
      ])
      assert.deepStrictEqual(sorted(yield* pairs1.groupWith(pairs2, pairs3).collect()), [
        [1, [[1, 2], ["x"], ["a"]]],
        [2, [[1], ["y", "z"], []]],
        [3, [[1], [], ["b"]]],
        [4, [[], ["w"], ["c", "d"]]]
      ])
      const four = sorted(yield* pairs1.groupWith(pairs2, pairs3, pairs4).collect())
      assert.deepStrictEqual(four.map(([k, groups]) => [k, groups[3]]), [[1, [true]], [2, []], [3, []], [4, []], [5, [false]]])
    }).pipe(Effect.scoped))

  it.effect("partitionBy with a user partitioner keeps it, and an equal partitioner is a no-op", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      const pairs = sc.parallelize([[0, "a"], [3, "b"], [4, "c"], [1, "d"]] as Array<[number, string]>, 2)
      const p = new KeyIsPartition()
      const byKey = pairs.partitionBy(p)
      assert.strictEqual(byKey.partitioner, p)
      assert.strictEqual(byKey.partitionBy(p), byKey)
      assert.notStrictEqual(byKey.partitionBy(new KeyIsPartition()), byKey, "no equals: a new instance is another partitioner")
      assert.deepStrictEqual(yield* byKey.glom().collect(), [[[0, "a"]], [[1, "d"]], [], [[3, "b"]], [[4, "c"]]])
      const hashed = pairs.partitionBy(new HashPartitioner(3))
      assert.strictEqual(hashed.partitionBy(new HashPartitioner(3)), hashed)
      // The partitioner decides co-partitioning: a join with the same partitioner shuffles neither side.
      const upper = byKey.mapValues((v) => v.toUpperCase())
      assert.deepStrictEqual(isShuffle(byKey.cogroup(upper) as RDD<unknown>), [false, false])
      const joined = byKey.join(upper)
      assert.strictEqual(joined.partitioner, p)
      assertSameMultiset(yield* joined.collect(), [[0, ["a", "A"]], [3, ["b", "B"]], [4, ["c", "C"]], [1, ["d", "D"]]])
      const bad = yield* flipFailure(pairs.partitionBy(new HashPartitioner(0)).collect())
      assert.strictEqual(bad._tag, "PartitionerMismatchError")
      const notOne = yield* flipFailure(pairs.partitionBy({ numPartitions: 2 } as unknown as Partitioner).collect())
      assert.strictEqual(notOne._tag, "InvalidArgumentError")
      assert.include(notOne.message, "getPartition")
    }).pipe(Effect.scoped))

  it.effect("repartitionAndSortWithinPartitions (RDDSuite), without a shuffle when already so partitioned", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      const data = sc.parallelize([[0, 5], [3, 8], [2, 6], [0, 8], [3, 8], [1, 3]] as Array<[number, number]>, 2)
      const partitioner = { numPartitions: 2, getPartition: (key: unknown) => (key as number) % 2 }
      const repartitioned = data.repartitionAndSortWithinPartitions(partitioner)
      const partitions = yield* repartitioned.glom().collect()
      assert.deepStrictEqual(partitions[0]!.map(([k]) => k), [0, 0, 2])
      assertSameMultiset(partitions[0]!, [[0, 5], [0, 8], [2, 6]])
      assert.deepStrictEqual(partitions[1], [[1, 3], [3, 8], [3, 8]])
      assert.strictEqual(repartitioned.partitioner, partitioner)
      // Descending by an explicit ordering, then again with the same partitioner: sorted in place.
      const descending = (a: number, b: number) => b - a
      const again = repartitioned.repartitionAndSortWithinPartitions(partitioner, descending)
      assert.deepStrictEqual(isShuffle(again as RDD<unknown>), [false])
      assert.strictEqual(again.partitioner, partitioner)
      assert.deepStrictEqual((yield* again.glom().collect()).map((p) => p.map(([k]) => k)), [[2, 0, 0], [3, 3, 1]])
    }).pipe(Effect.scoped))
})
