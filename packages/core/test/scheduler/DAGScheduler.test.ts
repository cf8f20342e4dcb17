import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import fc from "fast-check"
import { HashPartitioner } from "../../src/rdd/Partitioner.js"
import type { RDD } from "../../src/rdd/RDD.js"
import { type makeContext, makeContextIn, modes, recordEvents, workerThreads } from "../utils/spark.js"

type Pair = readonly [number, number]

/** A step of a chain: narrow, or a shuffle adding a known number of shuffle dependencies. */
type ChainStep =
  | { readonly _tag: "narrow" }
  | { readonly _tag: "reduceByKey" | "groupByKey" | "partitionBy" | "repartition" | "distinct"; readonly parts: number }
  | { readonly _tag: "join"; readonly parts: number }

const chainStep: fc.Arbitrary<ChainStep> = fc.oneof(
  fc.constant({ _tag: "narrow" as const }),
  fc.record({
    _tag: fc.constantFrom(
      "reduceByKey" as const,
      "groupByKey" as const,
      "partitionBy" as const,
      "repartition" as const,
      "distinct" as const
    ),
    parts: fc.integer({ min: 1, max: 3 })
  }),
  fc.record({ _tag: fc.constant("join" as const), parts: fc.integer({ min: 1, max: 3 }) })
)

/** Builds the chain; returns the RDD and how many shuffles it has (counted from the steps, not the lineage). */
const buildChain = (sc: Effect.Success<ReturnType<typeof makeContext>>, steps: ReadonlyArray<ChainStep>) => {
  // A map after each step drops the partitioner, so every shuffle step really shuffles.
  let rdd: RDD<Pair> = sc.parallelize(Array.from({ length: 24 }, (_, i) => [i % 5, i] as const), 3)
  let shuffles = 0
  for (const step of steps) {
    switch (step._tag) {
      case "narrow":
        rdd = rdd.filter(([, v]) => v % 7 !== 3)
        break
      case "reduceByKey":
        rdd = rdd.reduceByKey((a, b) => a + b, step.parts)
        shuffles += 1
        break
      case "groupByKey":
        rdd = rdd.groupByKey(step.parts).mapValues((vs) => vs.length)
        shuffles += 1
        break
      case "partitionBy":
        rdd = rdd.partitionBy(new HashPartitioner(step.parts))
        shuffles += 1
        break
      case "repartition":
        rdd = rdd.repartition(step.parts)
        shuffles += 1
        break
      case "distinct":
        rdd = rdd.distinct(step.parts)
        shuffles += 1
        break
      case "join":
        // Both sides are unpartitioned: two shuffle dependencies.
        rdd = rdd.join(sc.parallelize([[0, 1], [1, 2], [2, 3]] as Array<Pair>, 2), step.parts).mapValues(([v, w]) => v + w)
        shuffles += 2
        break
    }
    rdd = rdd.map(([k, v]) => [k, v] as const)
  }
  return { rdd, shuffles }
}

describe.each([...modes, workerThreads])("DAGScheduler stages ($name)", (mode) => {
  it.effect("a job with k shuffles runs k + 1 stages, parents first; a second job skips the map stages", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      const log = recordEvents(sc)
      yield* Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(fc.array(chainStep, { maxLength: 5 }), async (steps) => {
            const { rdd, shuffles } = buildChain(sc, steps)
            await Effect.runPromise(sc.waitForListeners())
            log.clear()
            await Effect.runPromise(rdd.count())
            await Effect.runPromise(sc.waitForListeners())
            const submitted = log.of("StageSubmitted").map((e) => e.stageInfo)
            assert.strictEqual(submitted.length, shuffles + 1, JSON.stringify(steps))
            assert.strictEqual(submitted.filter((s) => s.kind === "ShuffleMapStage").length, shuffles)
            assert.strictEqual(submitted[submitted.length - 1]!.kind, "ResultStage")
            // Each stage is submitted only after all its parents completed.
            const completedAt = new Map<number, number>()
            log.events.forEach((e, i) => {
              if (e._tag === "StageCompleted" && e.stageInfo.failureReason === undefined) completedAt.set(e.stageInfo.stageId, i)
            })
            log.events.forEach((e, i) => {
              if (e._tag !== "StageSubmitted") return
              for (const parent of e.stageInfo.parentIds) {
                const done = completedAt.get(parent)
                assert.isTrue(done !== undefined && done < i, `stage ${e.stageInfo.stageId} before its parent ${parent}`)
              }
            })
            const start = log.of("JobStart")
            assert.strictEqual(start.length, 1)
            assert.strictEqual(start[0]!.stageInfos.length, shuffles + 1)
            // The second job finds every shuffle output and runs only its result stage.
            log.clear()
            await Effect.runPromise(rdd.count())
            await Effect.runPromise(sc.waitForListeners())
            const again = log.of("StageSubmitted").map((e) => e.stageInfo.kind)
            assert.deepStrictEqual(again, ["ResultStage"])
          }),
          { numRuns: 40 }
        )
      )
    }).pipe(Effect.scoped))

  it.effect("co-partitioned operations add no stage", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      const log = recordEvents(sc)
      const rdd = sc.parallelize(Array.from({ length: 30 }, (_, i) => [i % 4, i] as const), 3)
        .reduceByKey((a, b) => a + b, 4)
        .mapValues((v) => v * 2)
        .reduceByKey((a, b) => a + b, 4)
      yield* rdd.count()
      yield* sc.waitForListeners()
      assert.strictEqual(log.of("StageSubmitted").length, 2)
    }).pipe(Effect.scoped))

  it.effect("a fully cached RDD's parent stages are not needed", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      const log = recordEvents(sc)
      const cached = sc.parallelize([[1, 1], [2, 2], [1, 3]] as Array<Pair>, 2).reduceByKey((a, b) => a + b, 2).cache()
      yield* cached.count()
      // Even with the shuffle outputs gone, the cached partitions serve the next job.
      for (const name of sc.blockManager.blockNames()) {
        if (name.startsWith("shuffle_")) sc.mapOutputTracker.unregisterShuffle(Number(name.split("_")[1]))
      }
      yield* sc.waitForListeners()
      log.clear()
      assert.deepStrictEqual((yield* cached.collect()).sort(), [[1, 4], [2, 2]])
      yield* sc.waitForListeners()
      assert.deepStrictEqual(log.of("StageSubmitted").map((e) => e.stageInfo.kind), ["ResultStage"])
    }).pipe(Effect.scoped))
})
