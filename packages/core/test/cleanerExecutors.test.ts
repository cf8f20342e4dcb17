/**
 * What the cleaner removes beyond the driver: broadcast values on the
 * executors (a `RemoveBroadcast` message), and the reliable checkpoint
 * directory of a collected RDD (`spark.cleaner.referenceTracking.cleanCheckpoints`).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Logger } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import * as v8 from "node:v8"
import * as vm from "node:vm"
import { withEnv } from "../src/Closure.js"
import type { TaskContext } from "../src/scheduler/TaskContext.js"
import * as SparkContext from "../src/SparkContext.js"
import { makeContext, tempDir } from "./utils/spark.js"

v8.setFlagsFromString("--expose-gc")
const gc = vm.runInNewContext("gc") as () => void

const nextTurn = Effect.promise(() => new Promise((resolve) => setImmediate(resolve)))

/** Which executors hold broadcast `id` (a task on each of 8 partitions asks its executor). */
const holders = (sc: SparkContext.SparkContext, id: number) =>
  Effect.map(
    sc.parallelize([0, 1, 2, 3, 4, 5, 6, 7], 8).runJob(withEnv({ id }, ({ id }) => (_it: Iterator<number>, ctx: TaskContext) => {
      try {
        ctx.env.getBroadcast(id)
        return [ctx.env.executorId, true] as const
      } catch {
        return [ctx.env.executorId, false] as const
      }
    })),
    (answers) => {
      const asked = new Set(answers.map(([executor]) => executor))
      const holding = new Set(answers.filter(([, held]) => held).map(([executor]) => executor))
      return { asked: [...asked].sort(), holding: [...holding].sort() }
    }
  )

/** A job reading broadcast `table` on every executor. */
const useBroadcast = (sc: SparkContext.SparkContext, table: { readonly value: ReadonlySet<number> }) =>
  sc.range(0, 64, 1, 8).filter(withEnv({ table }, ({ table }) => (x: number) => table.value.has(x % 4))).count()

describe("broadcasts removed from executors", () => {
  it.live.each(["local-cluster[2,1,128]", "local-process[2,1,128]"])(
    "destroy() removes the value from every executor; a live broadcast still works (%s)",
    (master) =>
      Effect.scoped(Effect.gen(function*() {
        const sc = yield* SparkContext.make({ master })
        const dropped = sc.broadcast(new Set([0, 1]))
        const kept = sc.broadcast(new Set([2]))
        assert.strictEqual(yield* useBroadcast(sc, dropped), 32)
        assert.strictEqual(yield* useBroadcast(sc, kept), 16)
        const before = yield* holders(sc, dropped.id)
        assert.deepStrictEqual(before.asked, ["exec-0", "exec-1"])
        assert.deepStrictEqual(before.holding, ["exec-0", "exec-1"])

        dropped.destroy()
        const after = yield* holders(sc, dropped.id)
        assert.deepStrictEqual(after.asked, ["exec-0", "exec-1"])
        assert.deepStrictEqual(after.holding, [], "no executor keeps a destroyed broadcast")
        assert.deepStrictEqual((yield* holders(sc, kept.id)).holding, ["exec-0", "exec-1"])
        assert.strictEqual(yield* useBroadcast(sc, kept), 16)
        const fresh = sc.broadcast(new Set([3]))
        assert.strictEqual(yield* useBroadcast(sc, fresh), 16)
      })),
    { timeout: 60_000 }
  )

  it.live("a collected broadcast (the cleaner's path) leaves the executors too", () =>
    Effect.scoped(Effect.gen(function*() {
      const sc = yield* SparkContext.make({ master: "local-cluster[2,1,128]" })
      // Made, used and dropped in a function, so nothing on this stack holds it.
      const useAndDrop = Effect.suspend(() => {
        const table = sc.broadcast(new Set([0]))
        return Effect.as(useBroadcast(sc, table), table.id)
      })
      const id = yield* useAndDrop
      assert.deepStrictEqual((yield* holders(sc, id)).holding, ["exec-0", "exec-1"])
      const driverHolds = () => {
        try {
          sc.getBroadcast(id)
          return true
        } catch {
          return false
        }
      }
      for (let attempt = 0; attempt < 50 && driverHolds(); attempt++) {
        gc()
        yield* nextTurn
      }
      assert.isFalse(driverHolds(), "the driver dropped the collected broadcast")
      assert.deepStrictEqual((yield* holders(sc, id)).holding, [], "so did every executor")
      const live = sc.broadcast(new Set([1, 2]))
      assert.strictEqual(yield* useBroadcast(sc, live), 32)
    })), { timeout: 60_000 })
})

/** Checkpoints an RDD; returns it and its checkpoint directory. */
const checkpointed = (sc: SparkContext.SparkContext) =>
  Effect.gen(function*() {
    yield* sc.setCheckpointDir(yield* tempDir)
    const rdd = sc.parallelize([1, 2, 3, 4], 2).map((x) => x * 2)
    rdd.checkpoint()
    assert.strictEqual(yield* rdd.count(), 4)
    const directory = rdd.checkpointDirectory!
    assert.isTrue(fs.existsSync(path.join(directory, "part-00000")))
    return { rdd, directory }
  })

describe("spark.cleaner.referenceTracking.cleanCheckpoints", () => {
  // The collection itself is the FinalizationRegistry's: the tests run the task it would post.
  it.effect("true: the checkpoint is registered, and its cleanup task deletes the directory", () =>
    Effect.scoped(Effect.gen(function*() {
      const sc = yield* makeContext({ conf: { "spark.cleaner.referenceTracking.cleanCheckpoints": true } })
      const { directory, rdd } = yield* checkpointed(sc)
      assert.deepStrictEqual([...sc.cleaner.trackedCheckpoints()], [[rdd.id, directory]])
      sc.cleaner.doCleanup({ _tag: "Checkpoint", rddId: rdd.id, directory })
      assert.isFalse(fs.existsSync(directory))
      assert.strictEqual(sc.cleaner.trackedCheckpoints().size, 0)
    })))

  it.effect("false (the default): nothing is registered and the directory stays", () =>
    Effect.scoped(Effect.gen(function*() {
      const sc = yield* makeContext()
      const { directory } = yield* checkpointed(sc)
      assert.strictEqual(sc.cleaner.trackedCheckpoints().size, 0)
      yield* sc.parallelize([0], 1).count()
      assert.isTrue(fs.existsSync(directory))
    })))

  it.effect("the cleanup task deletes the directory; one that cannot be deleted is logged, not thrown", () => {
    const warnings: Array<string> = []
    const logger = Logger.layer([
      Logger.make(({ logLevel, message }) => {
        if (logLevel === "Warn") warnings.push((Array.isArray(message) ? message : [message]).map(String).join(" "))
      })
    ])
    return Effect.scoped(Effect.gen(function*() {
      const sc = yield* makeContext()
      const directory = path.join(yield* tempDir, "rdd-7")
      fs.mkdirSync(directory)
      fs.writeFileSync(path.join(directory, "part-00000"), "x")
      sc.cleaner.doCleanup({ _tag: "Checkpoint", rddId: 7, directory })
      assert.isFalse(fs.existsSync(directory))
      // A NUL byte makes the path invalid: the deletion fails.
      sc.cleaner.doCleanup({ _tag: "Checkpoint", rddId: 8, directory: "bad\0dir" })
      assert.lengthOf(warnings, 1)
      assert.match(warnings[0]!, /Could not delete the checkpoint directory .* of collected RDD 8/)
    })).pipe(Effect.provide(logger))
  })

  it.effect("an invalid value fails make naming the key", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(makeContext({ conf: { "spark.cleaner.referenceTracking.cleanCheckpoints": "yes" } }))
      assert.match(error.message, /spark\.cleaner\.referenceTracking\.cleanCheckpoints/)
    }).pipe(Effect.scoped))
})
