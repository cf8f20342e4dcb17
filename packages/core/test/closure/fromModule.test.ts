import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { fromModule, TaskNotSerializableError } from "../../src/Closure.js"
import type { TaskContext } from "../../src/scheduler/TaskContext.js"
import * as SparkContext from "../../src/SparkContext.js"
import { runAsync } from "../utils/rpc.js"

const fixture = new URL("../fixtures/moduleFunctions.mjs", import.meta.url).href
const missing = new URL("../fixtures/noSuchModule.mjs", import.meta.url).href

type Task<R> = (it: Iterator<number>, ctx: TaskContext) => Promise<R>

for (const master of ["local[2]", "local-cluster[2,1,128]"]) {
  describe(`Closure.fromModule on ${master}`, () => {
    it.live(
      "ships as (specifier, export, env): each executor imports the module once and runs the function it builds",
      () =>
        Effect.scoped(Effect.gen(function*() {
          const sc = yield* SparkContext.make({ master })
          const rdd = sc.parallelize([1, 2, 3, 4, 5, 6], 3)
          const scaled = yield* runAsync(
            sc,
            rdd,
            fromModule<Parameters<Task<Array<number>>>, Array<number>>(fixture, "scale", { factor: 3 })
          )
          assert.deepStrictEqual(scaled, [[3, 6], [9, 12], [15, 18]])
          // Twice more: the module is not evaluated again.
          yield* runAsync(sc, rdd, fromModule<Parameters<Task<Array<number>>>, Array<number>>(fixture, "scale", { factor: 1 }))
          const where = yield* runAsync(
            sc,
            sc.parallelize([1, 2, 3, 4], 4),
            fromModule<Parameters<Task<{ executorId: string; loads: number }>>, { executorId: string; loads: number }>(
              fixture,
              "whereAmI",
              null
            )
          )
          for (const w of where) assert.strictEqual(w.loads, 1, `${w.executorId} evaluated the module once`)
        })),
      { timeout: 60_000 }
    )

    it.live(
      "a missing module, a missing export or a factory that builds no function fails the task, naming what to export",
      () =>
        Effect.scoped(Effect.gen(function*() {
          const sc = yield* SparkContext.make({ master, conf: { "spark.task.maxFailures": 1 } })
          const run = (specifier: string, exportName: string) =>
            Effect.flip(runAsync(sc, sc.parallelize([1], 1), fromModule<Parameters<Task<unknown>>, unknown>(specifier, exportName, {})))
          const noModule = yield* run(missing, "scale")
          assert.strictEqual(noModule._tag, "JobFailedError")
          assert.include(noModule.message, `Closure.fromModule("${missing}", "scale"): the module could not be imported`)
          assert.include(noModule.message, "export a function scale(env) that returns the function to call")
          const noExport = yield* run(fixture, "nope")
          assert.include(
            noExport.message,
            `Closure.fromModule("${fixture}", "nope"): the module has no function export "nope" (found undefined)`
          )
          assert.include(noExport.message, "export a function nope(env)")
          const notAFunction = yield* run(fixture, "notAFunction")
          assert.include(notAFunction.message, `no function export "notAFunction" (found number)`)
          const nothing = yield* run(fixture, "returnsNothing")
          assert.include(nothing.message, "returnsNothing(env) returned undefined, not a function")
        })),
      { timeout: 60_000 }
    )
  })
}

describe("Closure.fromModule's environment", () => {
  it("ships as a withEnv environment: a class instance, a symbol or a capturing function is refused at creation, naming the problem", () => {
    const outside = 3
    class Connection {
      constructor(readonly port: number) {}
    }
    for (
      const [env, problem] of [
        [{ f: (x: number) => x * outside }, /captures "outside"/],
        [{ connection: new Connection(1) }, /instance of Connection/],
        [{ s: Symbol("x") }, /symbol/]
      ] as const
    ) {
      try {
        fromModule(fixture, "scale", env)
        assert.fail("expected a TaskNotSerializableError")
      } catch (error) {
        assert.instanceOf(error, TaskNotSerializableError)
        assert.match(error.message, new RegExp(`^Task not serializable: the Closure\\.fromModule\\(".*", "scale"\\) environment`))
        assert.match(error.message, problem)
      }
    }
    assert.isFunction(fromModule(fixture, "scale", { factor: 2, names: ["a"], at: new Date(0), bytes: new Uint8Array(2) }))
    assert.isFunction(fromModule(fixture, "scale", { f: (x: number) => x * 2 }))
  })
})
