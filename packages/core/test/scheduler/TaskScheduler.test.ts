import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import * as SparkContext from "../../src/SparkContext.js"
import * as TaskContext from "../../src/scheduler/TaskContext.js"
import { makeContext, recordEvents } from "../utils/spark.js"

class Boom extends Error {
  override readonly name = "Boom"
}

const drain = (it: Iterator<unknown>) => {
  let n = 0
  while (!it.next().done) n++
  return n
}

describe("task failures", () => {
  it.effect("a task failing spark.task.maxFailures times fails the job with its error", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext({ conf: { "spark.task.maxFailures": 2 } })
      const attempts = sc.longAccumulator()
      let closureAttempts = 0
      const error = yield* Effect.flip(
        sc.parallelize([1, 2, 3, 4], 2).mapPartitionsWithIndex((index, it) => {
          if (index === 1) {
            closureAttempts++
            attempts.add(1)
            throw new Boom(`partition ${index} is broken`)
          }
          return it
        }).collect()
      )
      assert.strictEqual(error._tag, "JobFailedError")
      assert.match(error.message, /failed 2 times/)
      assert.match(error.message, /partition 1 is broken/)
      assert.instanceOf((error as { cause?: unknown }).cause, Boom)
      assert.strictEqual(closureAttempts, 2)
      assert.strictEqual(attempts.value, 0, "failed attempts contribute nothing to accumulators")
    }).pipe(Effect.scoped))

  it.effect("a task failing once then succeeding gives the right result, counted once", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext({ conf: { "spark.task.maxFailures": 2 } })
      const log = recordEvents(sc)
      const seen = sc.longAccumulator()
      const result = yield* sc.parallelize([1, 2, 3, 4, 5, 6], 3).map((x) => {
        seen.add(x)
        if (x === 4 && TaskContext.get()!.attemptNumber === 0) throw new Boom("first attempt fails")
        return x * 10
      }).collect()
      assert.deepStrictEqual(result, [10, 20, 30, 40, 50, 60])
      assert.strictEqual(seen.value, 21, "the failed attempt's updates are dropped")
      yield* sc.waitForListeners()
      const ends = log.of("TaskEnd")
      assert.strictEqual(ends.filter((e) => e.reason._tag === "ExceptionFailure").length, 1)
      assert.strictEqual(ends.filter((e) => e.reason._tag === "Success").length, 3)
      assert.isTrue(ends.some((e) => e.taskInfo.attemptNumber === 1 && e.reason._tag === "Success"))
    }).pipe(Effect.scoped))

  it.effect("a failing shuffle map task is retried too", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext()
      const result = yield* sc.parallelize([[1, 1], [2, 2], [1, 3]] as Array<readonly [number, number]>, 2)
        .map((kv) => {
          if (TaskContext.get()!.attemptNumber < 2) throw new Boom("flaky")
          return kv
        })
        .reduceByKey((a, b) => a + b)
        .collect()
      assert.deepStrictEqual(result.sort(), [[1, 4], [2, 2]])
    }).pipe(Effect.scoped))
})

describe("job cancellation", () => {
  it.effect("cancelJobGroup fails the group's job with JobCancelledError", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext({ master: "local[1]" })
      const log = recordEvents(sc)
      // The first task cancels its own job's group: deterministic, no timing involved.
      const rdd = sc.parallelize([1, 2, 3, 4], 4).map((x) => {
        if (x === 1) Effect.runSync(sc.cancelJobGroup("etl"))
        return x
      })
      const error = yield* Effect.flip(rdd.count().pipe(SparkContext.withJobGroup("etl", "nightly")))
      assert.strictEqual(error._tag, "JobCancelledError")
      assert.match(error.message, /job group etl/)
      yield* sc.waitForListeners()
      const end = log.of("JobEnd")
      assert.strictEqual(end.length, 1)
      assert.notStrictEqual(end[0]!.result, "JobSucceeded")
      assert.strictEqual(log.of("JobStart")[0]!.properties.get("spark.jobGroup.id"), "etl")
      // Jobs outside the group are unaffected, and the context still works.
      assert.strictEqual(yield* sc.parallelize([1, 2, 3]).count(), 3)
      assert.deepStrictEqual(sc.activeJobIds, [])
    }).pipe(Effect.scoped))

  it.effect("cancelJob fails the job's await with JobCancelledError", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext({ master: "local[1]" })
      let jobId = -1
      const rdd = sc.parallelize([1, 2, 3, 4], 4).map((x) => {
        if (x === 1) Effect.runSync(sc.cancelJob(jobId))
        return x
      })
      const handle = yield* sc.submitJob(rdd, drain)
      jobId = handle.jobId
      const error = yield* Effect.flip(handle.await)
      assert.strictEqual(error._tag, "JobCancelledError")
      assert.strictEqual((error as { jobId?: number }).jobId, jobId)
    }).pipe(Effect.scoped))

  it.effect("a submitted job's handle cancels it: await fails with JobCancelledError", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext({ master: "local[1]" })
      let cancel: Effect.Effect<void> = Effect.void
      const rdd = sc.parallelize([1, 2, 3, 4], 4).map((x) => {
        if (x === 1) Effect.runSync(cancel)
        return x
      })
      const handle = yield* sc.submitJob(rdd, drain)
      cancel = handle.cancel
      const error = yield* Effect.flip(handle.await)
      assert.strictEqual(error._tag, "JobCancelledError")
      assert.strictEqual((error as { jobId?: number }).jobId, handle.jobId)
      assert.deepStrictEqual(sc.activeJobIds, [])
    }).pipe(Effect.scoped))

  it.effect("interrupting an action cancels its job", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext({ master: "local[1]" })
      const log = recordEvents(sc)
      const ran = sc.longAccumulator()
      // eslint-disable-next-line prefer-const -- the task below reads it, so it is declared before the fork that assigns it
      let fiber: Fiber.Fiber<number, unknown> | undefined
      const rdd = sc.parallelize([1, 2, 3, 4, 5, 6], 6).map((x) => {
        ran.add(1)
        if (x === 1) Effect.runFork(Fiber.interrupt(fiber!))
        return x
      })
      fiber = yield* Effect.forkChild(rdd.count())
      const exit = yield* Fiber.await(fiber)
      assert.strictEqual(exit._tag, "Failure")
      // The cancellation is an event of the scheduler's loop: a later job's end is after it.
      yield* sc.parallelize([0]).count()
      yield* sc.waitForListeners()
      const ends = log.of("JobEnd")
      assert.strictEqual(ends.length, 2)
      assert.match((ends[0]!.result as { failure: string }).failure, /interrupted/)
      assert.isBelow(ran.value, 6, "not every task ran")
      assert.deepStrictEqual(sc.activeJobIds, [])
    }).pipe(Effect.scoped))
})

describe("listener events", () => {
  it.effect("job, stage and task events arrive in order", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext()
      const log = recordEvents(sc)
      yield* sc.parallelize([[1, 1], [2, 2]] as Array<readonly [number, number]>, 2).reduceByKey((a, b) => a + b, 3).collect()
      yield* sc.waitForListeners()
      const tags = log.events.map((e) => e._tag)
      assert.strictEqual(tags[0], "JobStart")
      assert.strictEqual(tags[tags.length - 1], "JobEnd")
      assert.strictEqual(log.of("StageSubmitted").length, 2)
      assert.strictEqual(log.of("StageCompleted").length, 2)
      assert.strictEqual(log.of("TaskStart").length, 5)
      assert.strictEqual(log.of("TaskEnd").length, 5)
      for (const end of log.of("TaskEnd")) {
        const start = log.events.findIndex((e) => e._tag === "TaskStart" && e.taskInfo.taskId === end.taskInfo.taskId)
        assert.isTrue(start >= 0 && start < log.events.indexOf(end))
      }
      assert.deepStrictEqual(log.of("JobEnd")[0]!.result, "JobSucceeded")
    }).pipe(Effect.scoped))
})

describe("broadcast and accumulators", () => {
  it.effect("tasks read broadcast values", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext()
      const lookup = sc.broadcast(new Map([[1, "one"], [2, "two"]]))
      const names = yield* sc.parallelize([1, 2, 1, 3], 2).map((x) => lookup.value.get(x) ?? "?").collect()
      assert.deepStrictEqual(names, ["one", "two", "one", "?"])
      lookup.destroy()
      assert.isTrue(lookup.isDestroyed)
      const error = yield* Effect.flip(sc.parallelize([1]).map(() => lookup.value).collect())
      assert.match(error.message, /destroyed/)
    }).pipe(Effect.scoped))

  it.effect("accumulators add across tasks and on the driver", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext()
      const acc = sc.longAccumulator("n")
      acc.add(5)
      yield* sc.range(0, 100, 1, 4).foreach((x) => acc.add(x))
      assert.strictEqual(acc.value, 5 + 4950)
      const custom = sc.accumulator({
        zero: () => new Set<number>(),
        add: (s, x: number) => s.add(x % 3),
        merge: (a, b) => new Set([...a, ...b])
      })
      yield* sc.range(0, 10, 1, 3).foreach((x) => custom.add(x))
      assert.deepStrictEqual([...custom.value].sort(), [0, 1, 2])
    }).pipe(Effect.scoped))
})
