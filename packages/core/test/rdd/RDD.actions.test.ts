import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import fc from "fast-check"
import * as fs from "node:fs"
import * as path from "node:path"
import { withEnv } from "../../src/Closure.js"
import { compareKeys } from "../../src/util/Ordering.js"
import { key, nums, pairs, slices } from "../arbitraries/data.js"
import { distinctModel, groupModel } from "../arbitraries/pipeline.js"
import { assertSameMultiset, canonical, checkProperty, makeContextIn, modes, tempDir } from "../utils/spark.js"

const numbers = fc.record({ data: nums(40), slices })
const RUNS = { numRuns: 60 }

describe.each(modes)("RDD actions equal the model ($name)", (mode) => {
  it.effect("collect, count, first, take, isEmpty", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      yield* checkProperty(fc.record({ data: nums(40), slices, n: fc.integer({ min: 0, max: 45 }) }), ({ data, n, slices }) =>
        Effect.gen(function*() {
          const rdd = sc.parallelize(data, slices)
          assert.deepStrictEqual(yield* rdd.collect(), data)
          assert.strictEqual(yield* rdd.count(), data.length)
          assert.deepStrictEqual(yield* rdd.take(n), data.slice(0, n))
          assert.strictEqual(yield* rdd.isEmpty(), data.length === 0)
          if (data.length > 0) {
            assert.strictEqual(yield* rdd.first(), data[0])
          }
          // After a filter that empties some partitions, take still scans on.
          const evens = data.filter((x) =>
            x % 2 === 0
          )
          assert.deepStrictEqual(yield* rdd.filter((x) => x % 2 === 0).take(n), evens.slice(0, n))
        }), RUNS)
    }).pipe(Effect.scoped))

  it.effect("top and takeOrdered", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      yield* checkProperty(
        fc.record({ data: fc.array(key, { maxLength: 30 }), slices, n: fc.integer({ min: 0, max: 35 }) }),
        ({ data, n, slices }) =>
          Effect.gen(function*() {
            const rdd = sc.parallelize(data, slices)
            const sorted = [...data].sort(compareKeys)
            assert.deepStrictEqual((yield* rdd.takeOrdered(n)).map(canonical), sorted.slice(0, n).map(canonical))
            assert.deepStrictEqual((yield* rdd.top(n)).map(canonical), [...sorted].reverse().slice(0, n).map(canonical))
            const byLength = withEnv(
              { canonical },
              ({ canonical }) => (a: unknown, b: unknown) => canonical(a).length - canonical(b).length
            )
            const top = yield* rdd.top(n, byLength)
            const lengths = [...data].map((x) => canonical(x).length).sort((a, b) => b - a).slice(0, n)
            assert.deepStrictEqual(top.map((x) => canonical(x).length), lengths)
          }),
        RUNS
      )
    }).pipe(Effect.scoped))

  it.effect("reduce, fold, aggregate", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      yield* checkProperty(numbers, ({ data, slices }) =>
        Effect.gen(function*() {
          const rdd = sc.parallelize(data, slices)
          const sum = data.reduce((a, b) => a + b, 0)
          if (data.length > 0) {
            assert.strictEqual(yield* rdd.reduce((a, b) => a + b), sum)
            assert.strictEqual(yield* rdd.reduce((a, b) => Math.max(a, b)), Math.max(...data))
          }
          assert.strictEqual(yield* rdd.fold(0, (a, b) => a + b), sum)
          // The zero is applied once per partition and once to merge: Spark's semantics.
          assert.strictEqual(yield* rdd.fold(1, (a, b) => a + b), sum + slices + 1)
          const [total, count] = yield* rdd.aggregate(
            [0, 0] as [number, number],
            (acc, x) => {
              acc[0] += x
              acc[1] += 1
              return acc
            },
            (a, b) => [a[0] + b[0], a[1] + b[1]] as [number, number]
          )
          assert.deepStrictEqual([total, count], [sum, data.length])
        }), RUNS)
    }).pipe(Effect.scoped))

  it.effect("foreach with an accumulator, foreachPartition", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      yield* checkProperty(numbers, ({ data, slices }) =>
        Effect.gen(function*() {
          const rdd = sc.parallelize(data, slices)
          const sum = sc.longAccumulator("sum")
          const seen = sc.collectionAccumulator<number>("seen")
          yield* rdd.foreach(withEnv({ sum, seen }, ({ seen, sum }) => (x: number) => {
            sum.add(x)
            seen.add(x)
          }))
          assert.strictEqual(sum.value, data.reduce((a, b) => a + b, 0))
          assertSameMultiset(seen.value, data)
          const sizes = sc.collectionAccumulator<number>("sizes")
          yield* rdd.foreachPartition(withEnv({ sizes }, ({ sizes }) => (it: IterableIterator<number>) => sizes.add([...it].length)))
          assert.strictEqual(sizes.value.length, slices)
          assert.strictEqual(sizes.value.reduce((a, b) => a + b, 0), data.length)
        }), RUNS)
    }).pipe(Effect.scoped))

  it.effect("foreachPartition waits for an asynchronous function, which keeps its task's context after an await", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      const rdd = sc.parallelize([1, 2, 3, 4, 5, 6], 3)
      const sizes = sc.collectionAccumulator<number>("sizes")
      // Read in the synchronous part (where accumulators count); the promise settles later.
      yield* rdd.foreachPartition(withEnv({ sizes }, ({ sizes }) => async (it: IterableIterator<number>) => {
        sizes.add([...it].length)
        await new Promise((resolve) => setTimeout(resolve, 1))
      }))
      assert.deepStrictEqual([...sizes.value].sort(), [2, 2, 2])
      // A rejection after the await fails the job, and the context still names the partition.
      const error = yield* Effect.flip(rdd.foreachPartition(async (_it, ctx) => {
        await new Promise((resolve) => setTimeout(resolve, 1))
        if (ctx.partitionId === 1) throw new Error(`partition ${ctx.partitionId} failed after an await`)
      }))
      assert.match(error.message, /partition 1 failed after an await/)
    }).pipe(Effect.scoped))

  it.effect("countByValue and countByKey", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      yield* checkProperty(fc.record({ data: pairs(40), slices }), ({ data, slices }) =>
        Effect.gen(function*() {
          const rdd = sc.parallelize(data, slices)
          const byKey = yield* rdd.countByKey()
          const expectedByKey = groupModel(data)
          assert.strictEqual(byKey.size, expectedByKey.length)
          for (const [k, vs] of expectedByKey) assert.strictEqual(byKey.get(k), vs.length, canonical(k))
          const byValue = yield* rdd.keys().countByValue()
          assert.strictEqual(byValue.size, distinctModel(data.map(([k]) => k)).length)
          for (const [k, vs] of expectedByKey) assert.strictEqual(byValue.get(k), vs.length)
        }), RUNS)
    }).pipe(Effect.scoped))

  it.effect("saveAsTextFile writes one part file per partition, readable back", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      const dir = yield* tempDir
      let run = 0
      yield* checkProperty(
        fc.record({
          data: fc.array(
            fc.oneof(
              fc.integer(),
              fc.string({ unit: "grapheme-ascii" }).filter((s) => !/[\r\n]/.test(s)),
              fc.tuple(fc.integer(), fc.constantFrom("a", "b"))
            ),
            { maxLength: 30 }
          ),
          slices
        }),
        ({ data, slices }) =>
          Effect.gen(function*() {
            const out = path.join(dir, `out-${run++}`)
            yield* sc.parallelize(data, slices).saveAsTextFile(out)
            const files = fs.readdirSync(out).sort()
            assert.deepStrictEqual(files, ["_SUCCESS", ...Array.from({ length: slices }, (_, i) => `part-${String(i).padStart(5, "0")}`)])
            const lines = files.filter((f) => f.startsWith("part-")).flatMap((f) => {
              const text = fs.readFileSync(path.join(out, f), "utf8")
              return text === "" ? [] : text.slice(0, -1).split("\n")
            })
            const format = (x: unknown): string => Array.isArray(x) ? `(${x.map(format).join(",")})` : String(x)
            assert.deepStrictEqual(lines, data.map(format))
            // And through textFile, as a user would read them back.
            const parts = files.filter((f) => f.startsWith("part-"))
            const readBack = yield* Effect.forEach(parts, (f) => sc.textFile(path.join(out, f)).collect())
            assert.deepStrictEqual(readBack.flat(), data.map(format))
            // Saving again to the same directory is refused.
            const again = yield* Effect.flip(sc.parallelize(data, slices).saveAsTextFile(out))
            assert.strictEqual(again._tag, "InvalidArgumentError")
            assert.match(again.message, /already exists/)
          }),
        { numRuns: 30 }
      )
    }).pipe(Effect.scoped))
})
