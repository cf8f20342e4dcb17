import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import fc from "fast-check"
import { defaultPartitioner, determineBounds, HashPartitioner, type Partitioner, RangePartitioner } from "../../src/rdd/Partitioner.js"
import { compareKeys } from "../../src/util/Ordering.js"
import { checkProperty, makeContext } from "../utils/spark.js"

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
