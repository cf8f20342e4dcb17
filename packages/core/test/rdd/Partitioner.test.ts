import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import fc from "fast-check"
import * as v8 from "node:v8"
import { withEnv } from "../../src/Closure.js"
import { deserializeValue, serializeValue } from "../../src/internal/closure/shipping.js"
import {
  defaultPartitioner,
  determineBounds,
  HashPartitioner,
  Partitioner,
  RangePartitioner,
  samePartitioner
} from "../../src/rdd/Partitioner.js"
import type { RDD } from "../../src/rdd/RDD.js"
import { compareKeys } from "../../src/util/Ordering.js"
import { checkProperty, makeContext } from "../utils/spark.js"

/** A user partitioner by key modulo `n`, with Spark's `equals` (same class, same count). */
class ModPartitioner extends Partitioner {
  readonly label = "mod"
  constructor(readonly n: number) {
    super()
  }
  get numPartitions() {
    return this.n
  }
  getPartition(key: unknown) {
    return Math.abs(key as number) % this.n
  }
  override equals(other: Partitioner | undefined) {
    return other instanceof ModPartitioner && other.n === this.n
  }
}

/** What an executor receives: the partitioner serialized, v8-cloned, and revived. */
const ship = <A>(value: A): A => deserializeValue(v8.deserialize(v8.serialize(serializeValue(value, "test")))) as A

describe("RangePartitioner", () => {
  it("bounds are strictly increasing, at most partitions - 1, and split the sample evenly", () =>
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 10 }),
        (keys, partitions) => {
          const bounds = determineBounds(keys.map((k) => [k, 1] as const), partitions)
          assert.isAtMost(bounds.length, partitions - 1)
          for (let i = 1; i < bounds.length; i++) {
            assert.isTrue(bounds[i - 1]! < bounds[i]!)
          }
          const partitioner = new RangePartitioner(bounds, true)
          const distinct = new Set(keys).size
          if (distinct >= partitions * 4 && keys.length === distinct) {
            // Balanced within one bound's worth of keys.
            const counts = new Array(partitioner.numPartitions).fill(0)
            for (const k of keys) counts[partitioner.getPartition(k)]++
            for (const c of counts) assert.isAtMost(c, Math.ceil(keys.length / partitions) + 1, `counts ${counts}`)
          }
        }
      )
    ))

  it("getPartition is monotone in the key, reversed when descending", () =>
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: -100, max: 100 }), { maxLength: 6 }).map((b) => b.sort((x, y) => x - y)),
        fc.integer({ min: -150, max: 150 }),
        fc.integer({ min: -150, max: 150 }),
        (bounds, a, b) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a]
          const asc = new RangePartitioner(bounds, true)
          const desc = new RangePartitioner(bounds, false)
          assert.isAtMost(asc.getPartition(lo), asc.getPartition(hi))
          assert.isAtLeast(desc.getPartition(lo), desc.getPartition(hi))
          assert.strictEqual(asc.getPartition(lo) + desc.getPartition(lo), bounds.length)
          // Keys up to the i-th bound go to partition i.
          bounds.forEach((bound, i) => assert.strictEqual(asc.getPartition(bound), i))
        }
      )
    ))

  it("equals compares bounds structurally", () => {
    assert.isTrue(new RangePartitioner([[1, "a"]], true).equals(new RangePartitioner([[1, "a"]], true) as Partitioner))
    assert.isFalse(new RangePartitioner([1], true).equals(new RangePartitioner([1], false) as Partitioner))
    assert.isFalse(new RangePartitioner([1], true).equals(new HashPartitioner(2)))
    assert.isTrue(new HashPartitioner(3).equals(new HashPartitioner(3)))
    assert.isFalse(new HashPartitioner(3).equals(new HashPartitioner(4)))
  })

  it.effect("defaultPartitioner (PartitioningSuite): the largest partitioner only when eligible", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext()
      const pairs = (n: number) => Array.from({ length: n }, (_, i) => [i, i] as const)
      const rdd1 = sc.parallelize(pairs(1000), 150)
      const rdd2 = sc.parallelize(pairs(4)).partitionBy(new HashPartitioner(10))
      const rdd3 = sc.parallelize(pairs(5)).partitionBy(new HashPartitioner(100))
      const rdd4 = sc.parallelize(pairs(4)).partitionBy(new HashPartitioner(9))
      const rdd5 = sc.parallelize(pairs(10), 11)
      const of = (...rdds: ReadonlyArray<RDD<unknown>>) => defaultPartitioner(rdds, undefined).numPartitions
      assert.strictEqual(of(rdd1, rdd2), 150, "10 partitions are an order of magnitude fewer than 150: not eligible")
      assert.strictEqual(of(rdd2, rdd3), 100)
      assert.strictEqual(of(rdd3, rdd1), 100)
      assert.strictEqual(of(rdd1, rdd2, rdd3), 100)
      assert.strictEqual(of(rdd4, rdd5), 9, "9 is within an order of magnitude of 11")
      assert.strictEqual(defaultPartitioner([rdd4, rdd5], undefined), rdd4.partitioner)
      // The reduceByKey of an RDD without a partitioner: as many partitions as the largest parent.
      assert.strictEqual(rdd1.reduceByKey((a, b) => a + b).numPartitions, 150)
      assert.strictEqual(rdd1.join(rdd2).numPartitions, 150)
    }).pipe(Effect.scoped))

  it.effect("defaultPartitioner when spark.default.parallelism is set (PartitioningSuite)", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext({ conf: { "spark.default.parallelism": 4 } })
      assert.strictEqual(sc.defaultParallelism, 4)
      const pairs = (n: number) => Array.from({ length: n }, (_, i) => [i, i] as const)
      const rdd1 = sc.parallelize(pairs(1000), 150)
      const rdd2 = sc.parallelize(pairs(4)).partitionBy(new HashPartitioner(10))
      const rdd3 = sc.parallelize(pairs(5)).partitionBy(new HashPartitioner(100))
      const rdd4 = sc.parallelize(pairs(4)).partitionBy(new HashPartitioner(9))
      const rdd5 = sc.parallelize(pairs(10), 11)
      const rdd6 = sc.parallelize(pairs(4)).partitionBy(new HashPartitioner(3))
      const count = (rdd: RDD<readonly [number, number]>, other: RDD<readonly [number, number]>) => rdd.cogroup(other).numPartitions
      assert.strictEqual(count(rdd1, rdd2), 10, "not eligible, but at least the default parallelism")
      assert.strictEqual(count(rdd2, rdd3), 100)
      assert.strictEqual(count(rdd3, rdd1), 100)
      assert.strictEqual(rdd1.cogroup(rdd2, rdd3).numPartitions, 100)
      assert.strictEqual(count(rdd4, rdd5), 9)
      assert.strictEqual(count(rdd5, rdd5), 4, "no partitioner: the default parallelism")
      assert.strictEqual(count(rdd1, rdd6), 4, "3 partitions: neither eligible nor as many as the default")
      // The default parallelism is also parallelize's default.
      assert.strictEqual(sc.parallelize([1, 2, 3]).numPartitions, 4)
      assert.strictEqual(rdd1.reduceByKey((a, b) => a + b).numPartitions, 4)
    }).pipe(Effect.scoped))

  it.effect("partitioner preservation (PartitioningSuite)", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext()
      const rdd = sc.parallelize(Array.from({ length: 10 }, (_, i) => [i + 1, i + 1] as const), 4)
      const grouped2 = rdd.groupByKey(2)
      const grouped4 = rdd.groupByKey(4)
      const reduced2 = rdd.reduceByKey((a, b) => a + b, 2)
      assert.isUndefined(rdd.partitioner)
      assert.isTrue(new HashPartitioner(2).equals(grouped2.partitioner))
      assert.isTrue(new HashPartitioner(4).equals(grouped4.partitioner))
      assert.isTrue(samePartitioner(grouped2.partitioner!, grouped2.groupByKey().partitioner))
      assert.isFalse(samePartitioner(grouped2.partitioner!, grouped2.groupByKey(3).partitioner))
      for (const joined of [grouped2.join(grouped4), grouped2.leftOuterJoin(grouped4), grouped2.rightOuterJoin(grouped4)]) {
        assert.isTrue(samePartitioner(grouped4.partitioner!, joined.partitioner))
      }
      assert.isTrue(samePartitioner(grouped4.partitioner!, grouped2.cogroup(grouped4).partitioner))
      assert.isTrue(samePartitioner(grouped2.partitioner!, grouped2.join(reduced2).partitioner))
      assert.isTrue(samePartitioner(grouped2.partitioner!, grouped2.cogroup(reduced2).partitioner))
      assert.isUndefined(grouped2.map(() => 1).partitioner)
      assert.isTrue(samePartitioner(grouped2.partitioner!, grouped2.mapValues(() => 1).partitioner))
      assert.isTrue(samePartitioner(grouped2.partitioner!, grouped2.flatMapValues(() => [1]).partitioner))
      assert.isTrue(samePartitioner(grouped2.partitioner!, grouped2.filter(([k]) => k > 4).partitioner))
    }).pipe(Effect.scoped))

  it("user partitioners: equals when given, else identity; a subclass and a plain object ship with their behaviour", () => {
    const plain = { numPartitions: 3, getPartition: (key: unknown) => (key as number) % 3 }
    assert.isTrue(samePartitioner(plain, plain))
    assert.isFalse(samePartitioner(plain, { ...plain }), "no equals: only itself")
    assert.isFalse(samePartitioner(plain, undefined))
    assert.isTrue(samePartitioner(new ModPartitioner(3), new ModPartitioner(3)))
    assert.isFalse(samePartitioner(new ModPartitioner(3), new ModPartitioner(4)))
    assert.isFalse(samePartitioner(new HashPartitioner(3), new ModPartitioner(3)))
    const shipped = ship(new ModPartitioner(5))
    assert.strictEqual(shipped.numPartitions, 5, "a getter ships as its value")
    assert.strictEqual(shipped.label, "mod")
    assert.isTrue(shipped instanceof Partitioner)
    assert.strictEqual(shipped.constructor.name, "ModPartitioner")
    for (const k of [0, 7, -12, 13]) assert.strictEqual(shipped.getPartition(k), new ModPartitioner(5).getPartition(k))
    const shippedPlain = ship(plain)
    assert.strictEqual(shippedPlain.getPartition(7), 1)
    // A function of a plain partitioner that captures a variable is refused, naming it (as any shipped function).
    const offset = 1
    const refused = (() => {
      try {
        serializeValue({ numPartitions: 2, getPartition: (k: unknown) => ((k as number) + offset) % 2 }, "test")
        return undefined
      } catch (error) {
        return error as { readonly identifiers: ReadonlyArray<string> }
      }
    })()
    assert.deepStrictEqual(refused?.identifiers, ["offset"])
    const withOffset = ship({
      numPartitions: 2,
      getPartition: withEnv({ offset }, ({ offset }) => (k: unknown) => ((k as number) + offset) % 2)
    })
    assert.strictEqual(withOffset.getPartition(2), 1)
  })

  it("defaultPartitioner reuses the largest existing partitioner", () => {
    const hash = new HashPartitioner(5)
    assert.strictEqual(
      defaultPartitioner([{ partitioner: undefined, numPartitions: 3 }, { partitioner: hash, numPartitions: 5 }], undefined),
      hash
    )
    assert.isTrue(new HashPartitioner(7).equals(defaultPartitioner([{ partitioner: undefined, numPartitions: 7 }], undefined)))
  })

  it.effect("sortByKey's sampled range partitions hold ordered, disjoint key ranges", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext()
      yield* checkProperty(
        fc.record({
          keys: fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 80 }),
          slices: fc.integer({ min: 1, max: 4 }),
          parts: fc.integer({ min: 1, max: 6 }),
          ascending: fc.boolean()
        }),
        ({ ascending, keys, parts, slices }) =>
          Effect.gen(function*() {
            const sorted = yield* sc.parallelize(keys.map((k) => [k, null] as const), slices).sortByKey(ascending, parts)
            assert.strictEqual(sorted.numPartitions, sorted.partitioner!.numPartitions)
            const glommed = (yield* sorted.glom().collect()).map((p) => p.map(([k]) => k))
            const flat = glommed.flat()
            const expected = [...keys].sort((a, b) => (ascending ? compareKeys(a, b) : compareKeys(b, a)))
            assert.deepStrictEqual(flat, expected)
            // A key never spans two partitions.
            const where = new Map<number, number>()
            glommed.forEach((p, i) => {
              for (const k of p) {
                assert.strictEqual(where.get(k) ?? i, i)
                where.set(k, i)
              }
            })
          }),
        { numRuns: 50 }
      )
    }).pipe(Effect.scoped))
})
