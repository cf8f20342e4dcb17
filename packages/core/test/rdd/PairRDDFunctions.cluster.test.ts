// The operations of issue 13 on real executors: worker threads and processes
// (and local[2] for comparison), with user partitioners (a subclass and a plain
// object) that ship to them. Real threads and processes on the real clock.
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { withEnv } from "../../src/Closure.js"
import { HashPartitioner, Partitioner } from "../../src/rdd/Partitioner.js"
import type { TaskContext } from "../../src/scheduler/TaskContext.js"
import * as SparkContext from "../../src/SparkContext.js"
import { assertSameMultiset } from "../utils/spark.js"

/** A user partitioner: keys modulo `n`, shipped as its fields and methods. */
class Modulo extends Partitioner {
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
    return other instanceof Modulo && other.n === this.n
  }
}

describe("pair operations and partitioning on executors", () => {
  it.live.each(["local[2]", "local-cluster[2,1,1024]", "local-process[2,1,1024]"])(
    "user partitioners ship; lookup, subtractByKey, union, sorts and repartition run (%s)",
    (master) =>
      Effect.scoped(Effect.gen(function*() {
        const sc = yield* SparkContext.make({ master })
        const data = Array.from({ length: 40 }, (_, i) => [i % 7, i] as [number, number])
        const pairs = sc.parallelize(data, 4)
        const byModulo = pairs.partitionBy(new Modulo(3))
        // Every key is where the shipped partitioner put it, on whichever executor ran the map task.
        const placed = yield* byModulo.runJob(
          withEnv({}, () => (it: Iterator<[number, number]>, ctx: TaskContext) => {
            const keys: Array<number> = []
            for (let r = it.next(); !r.done; r = it.next()) keys.push(r.value[0])
            return [ctx.partitionId, keys] as const
          })
        )
        for (const [partition, keys] of placed) for (const k of keys) assert.strictEqual(k % 3, partition)
        assert.isTrue(byModulo.partitionBy(new Modulo(3)) === byModulo, "an equal partitioner: no-op")
        const offset = 1
        const plain = { numPartitions: 2, getPartition: withEnv({ offset }, ({ offset }) => (k: unknown) => ((k as number) + offset) % 2) }
        const byPlain = pairs.partitionBy(plain)
        assert.deepStrictEqual((yield* byPlain.glom().collect()).map((p) => new Set(p.map(([k]) => (k + 1) % 2)).size <= 1), [true, true])

        assert.deepStrictEqual((yield* byModulo.lookup(5)).sort((a, b) => a - b), [5, 12, 19, 26, 33])
        assert.deepStrictEqual((yield* byPlain.lookup(6)).sort((a, b) => a - b), [6, 13, 20, 27, 34])
        const subtracted = byModulo.subtractByKey(sc.parallelize([[0, 0], [1, 0], [2, 0], [3, 0]] as Array<[number, number]>, 3))
        assert.strictEqual(subtracted.partitioner, byModulo.partitioner)
        assertSameMultiset(yield* subtracted.collect(), data.filter(([k]) => k > 3))

        const union = sc.union([byModulo, byModulo.mapValues((v) => -v)])
        assert.strictEqual(union.op.kind, "PartitionerAwareUnionRDD")
        assert.strictEqual(union.numPartitions, 3)
        assertSameMultiset(yield* union.collect(), [...data, ...data.map(([k, v]) => [k, -v])])
        const sortedWithin = yield* pairs.repartitionAndSortWithinPartitions(new Modulo(2), (a, b) => b - a).glom().collect()
        for (const part of sortedWithin) assert.deepStrictEqual(part.map(([k]) => k), part.map(([k]) => k).sort((a, b) => b - a))
        const sorted = yield* (yield* pairs.values().sortBy((x) => x, true, 3, (a, b) => b - a)).collect()
        assert.deepStrictEqual(sorted, Array.from({ length: 40 }, (_, i) => 39 - i))
        const ids = (yield* pairs.zipWithUniqueId().collect()).map(([, id]) => id)
        assert.strictEqual(new Set(ids).size, 40)
        const spread = (yield* pairs.repartition(8).glom().collect()).map((p) => p.length)
        assert.strictEqual(spread.length, 8)
        for (const n of spread) assert.isAtLeast(n, 4, `spread ${spread}`)
        const grouped = yield* pairs.groupWith(byModulo, sc.parallelize([[0, "z"]] as Array<[number, string]>)).collect()
        assert.strictEqual(grouped.length, 7)
        assert.strictEqual((yield* pairs.collectAsMap()).size, 7)
        assert.isTrue(new HashPartitioner(3).equals(pairs.reduceByKey((a, b) => a + b, 3).partitioner))
      })),
    { timeout: 120_000 }
  )
})
