import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { ListenerBus } from "../../src/util/ListenerBus.js"
import type { RDD } from "../../src/rdd/RDD.js"
import { forEachAncestor, forEachLineageNode, forEachPartitionAncestor, shuffleDependencies } from "../../src/util/lineage.js"
import { makeContext } from "../utils/spark.js"

const ids = (rdds: ReadonlyArray<RDD<unknown>>) => rdds.map((r) => r.id)

describe("lineage", () => {
  it.effect("visits each ancestor once; stops at shuffles when asked; prunes and stops", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext()
      const a = sc.parallelize([1, 2, 3, 4], 2)
      const b = a.map((x) => [x % 2, x] as const)
      const left = b.reduceByKey((x, y) => x + y) as RDD<unknown>
      const right = b.mapValues((x) => x * 10) as RDD<unknown>
      const joined = left.union(right, left) as RDD<unknown>

      const all: Array<RDD<unknown>> = []
      forEachAncestor(joined, (rdd) => void all.push(rdd))
      assert.strictEqual(new Set(ids(all)).size, all.length, "each RDD once")
      assert.includeMembers(ids(all), [a.id, b.id, left.id, right.id, joined.id])

      const stage: Array<RDD<unknown>> = []
      const shuffles: Array<number> = []
      forEachAncestor(joined, (rdd) => void stage.push(rdd), {
        stopAtShuffles: true,
        onShuffle: (dep) => void shuffles.push(dep.shuffleId)
      })
      assert.sameMembers(ids(stage), [joined.id, left.id, right.id, b.id, a.id])
      const reduceSide: Array<RDD<unknown>> = []
      forEachAncestor(left, (rdd) => void reduceSide.push(rdd), { stopAtShuffles: true })
      assert.deepStrictEqual(ids(reduceSide), [left.id], "the map side of the shuffle is another stage")
      assert.deepStrictEqual(shuffles, [shuffleDependencies(joined)[0]!.shuffleId])

      const pruned: Array<number> = []
      forEachAncestor(joined, (rdd) => {
        pruned.push(rdd.id)
        return rdd.id === right.id ? "prune" : undefined
      }, { stopAtShuffles: true })
      assert.sameMembers(pruned, [joined.id, left.id, right.id])

      let visits = 0
      forEachAncestor(joined, () => {
        visits++
        return "stop"
      })
      assert.strictEqual(visits, 1)
    }).pipe(Effect.scoped))

  it.effect("walks the parent partitions a partition reads", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext()
      const a = sc.parallelize([1, 2, 3, 4, 5, 6], 3)
      const b = sc.parallelize([7, 8], 2)
      const u = a.union(b).map((x) => x + 1) as RDD<unknown>
      const seen: Array<string> = []
      forEachPartitionAncestor(u, 3, (rdd, p) => void seen.push(`${rdd.id}:${p}`))
      // Partition 3 of the union is partition 0 of b.
      assert.deepStrictEqual(seen.slice(-1), [`${b.id}:0`])
      assert.notInclude(seen.join(","), `${a.id}:`)

      const grouped = a.map((x) => [x % 2, x] as const).groupByKey(2) as RDD<unknown>
      const reads: Array<readonly [number, number]> = []
      forEachPartitionAncestor(grouped, 1, () => undefined, { onShuffle: (dep, _, p) => void reads.push([dep.shuffleId, p]) })
      assert.strictEqual(reads.length, 1)
      assert.strictEqual(reads[0]![1], 1)
    }).pipe(Effect.scoped))
})

describe("ListenerBus", () => {
  it.effect("waitUntilEmpty waits for every listener to handle every event posted so far", () =>
    Effect.gen(function*() {
      const bus = yield* ListenerBus.make<number, { readonly on: (n: number) => void }>((l, e) => l.on(e))
      yield* bus.waitUntilEmpty() // no listener: nothing to wait for
      const heard: Array<number> = []
      yield* bus.addListener({ on: (n) => void heard.push(n) })
      yield* bus.addListener({ on: () => {} })
      for (let i = 0; i < 100; i++) bus.post(i)
      const waiter = yield* Effect.forkChild(bus.waitUntilEmpty())
      yield* Fiber.join(waiter)
      assert.strictEqual(heard.length, 100)
      yield* bus.waitUntilEmpty()
    }).pipe(Effect.scoped))
})

describe("lineage tree", () => {
  it.effect("forEachLineageNode gives toDebugString's shape", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext()
      const a = sc.parallelize([1, 2, 3], 2)
      const rdd = a.map((x) => [x, x] as const).reduceByKey((x, y) => x + y).union(a.map((x) => [x, x] as const)) as RDD<unknown>
      const lines: Array<string> = []
      forEachLineageNode(rdd, (r, depth, edge) => {
        const prefix = edge === "shuffle" ? "+-" : edge === "narrow" ? " | " : ""
        const name = r.name === undefined ? "" : `${r.name} `
        const level = r.storageLevel.name === "NONE" ? "" : ` [${r.storageLevel.name}]`
        lines.push(`${"   ".repeat(depth)}${prefix}(${r.numPartitions}) ${name}${r.op.kind}[${r.id}]${level}`)
      })
      assert.strictEqual(lines.join("\n"), rdd.toDebugString())
    }).pipe(Effect.scoped))
})
