import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { withEnv } from "../../../src/Closure.js"
import * as SparkContext from "../../../src/SparkContext.js"
import { assertSameMultiset, eventually, tempDir, wordCount } from "../../utils/spark.js"

// Jobs fail or recover, never hang: real worker threads and real processes, on the real clock,
// each test bounded by its timeout.
const masters = [
  { name: "worker threads (local-cluster)", master: "local-cluster[2,1,128]" },
  { name: "processes (local-process)", master: "local-process[2,1,128]" }
] as const

const causeOf = (error: unknown): { readonly _tag?: string; readonly message?: string; readonly valueType?: string } =>
  (error as { cause?: never }).cause ?? {}

for (const { master, name } of masters) {
  describe(`a task result that cannot be serialized, on ${name}`, () => {
    it.live(
      "fails that task with TaskResultNotSerializableError naming the type; the executors live on",
      () =>
        Effect.scoped(Effect.gen(function*() {
          const sc = yield* SparkContext.make({ master, conf: { "spark.task.maxFailures": 2 } })
          const fn = yield* Effect.flip(sc.parallelize([1, 2, 3, 4], 4).map((x) => x === 3 ? () => x : x).collect())
          assert.strictEqual(fn._tag, "JobFailedError")
          assert.strictEqual(causeOf(fn)._tag, "TaskResultNotSerializableError")
          assert.strictEqual(causeOf(fn).valueType, "function (anonymous) at [0]")
          assert.include(fn.message, "failed 2 times")
          const symbol = yield* Effect.flip(sc.parallelize([1, 2], 2).map((x) => ({ x, tag: Symbol("s") })).collect())
          assert.strictEqual(causeOf(symbol)._tag, "TaskResultNotSerializableError")
          assert.strictEqual(causeOf(symbol).valueType, "Symbol(s) (a Symbol) at [0].tag")
          // The same executors run the next job.
          assert.deepStrictEqual(sc.executorIds.sort(), ["exec-0", "exec-1"])
          assert.deepStrictEqual(yield* sc.parallelize([1, 2, 3, 4], 4).map((x) => x * 2).collect(), [2, 4, 6, 8])
        })),
      { timeout: 60_000 }
    )
  })

  describe(`a result that fails to serialize once, on ${name}`, () => {
    it.live("is retried and the job succeeds (the failure was not deterministic)", () =>
      Effect.scoped(Effect.gen(function*() {
        const dir = yield* tempDir
        const sc = yield* SparkContext.make({ master, conf: { "spark.task.maxFailures": 2 } })
        // The first attempt of partition 2 leaves a marker file and returns a function; the retry finds the marker.
        const result = yield* sc.parallelize([1, 2, 3, 4], 4).map(withEnv({ dir }, ({ dir }) => (x: number) => {
          const fs = process.getBuiltinModule("node:fs")
          const marker = `${dir}/attempted-${x}`
          if (x !== 3 || fs.existsSync(marker)) return x * 10
          fs.writeFileSync(marker, "")
          return () => x
        })).collect()
        assert.deepStrictEqual(result, [10, 20, 30, 40])
      })), { timeout: 60_000 })
  })

  describe(`process.exit inside a task, on ${name}`, () => {
    it.live(
      "loses the executor, retries the task on replacements, then fails the job after maxFailures",
      () =>
        Effect.scoped(Effect.gen(function*() {
          const sc = yield* SparkContext.make({ master, conf: { "spark.task.maxFailures": 2 } })
          const removed: Array<string> = []
          sc.addSparkListener({ onExecutorRemoved: (event) => void removed.push(event.executorId) })
          const error = yield* Effect.flip(
            sc.parallelize([1, 2, 3, 4], 4).map((x) => {
              if (x === 3) process.exit(3)
              return x
            }).collect()
          )
          assert.strictEqual(error._tag, "JobFailedError")
          assert.match(error.message, /failed 2 times, most recent failure: executor lost/)
          yield* eventually("two executors removed", () => removed.length >= 2)
          // Replacements registered: the context runs the next job.
          assert.deepStrictEqual(yield* sc.parallelize([1, 2, 3, 4], 4).map((x) => x + 1).collect(), [2, 3, 4, 5])
        })),
      { timeout: 90_000 }
    )
  })
}

describe("executors that die are replaced", () => {
  it.live("SIGKILL of every executor process mid multi-stage job: the job completes on replacements", () =>
    Effect.gen(function*() {
      const expected = yield* Effect.scoped(Effect.flatMap(SparkContext.make({ master: "local[2]" }), (sc) => wordCount(sc).collect()))
      yield* Effect.scoped(Effect.gen(function*() {
        const sc = yield* SparkContext.make({ master: "local-process[2,1,128]" })
        const pids = new Set(yield* sc.parallelize([0, 1, 2, 3, 4, 5, 6, 7], 8).map(() => process.pid).collect())
        assert.strictEqual(pids.size, 2)
        const added: Array<string> = []
        const removed: Array<string> = []
        let ended = 0
        sc.addSparkListener({
          onExecutorAdded: (event) => void added.push(event.executorId),
          onExecutorRemoved: (event) => void removed.push(event.executorId),
          // Mid-job: after the first map stage's third task.
          onTaskEnd: () => {
            if (++ended === 3) { for (const pid of pids) process.kill(pid, "SIGKILL") }
          }
        })
        assertSameMultiset(yield* wordCount(sc).collect(), expected)
        // The job may finish on the first replacement while the second is still starting.
        yield* eventually("both replacements added", () => added.length === 2)
        assert.deepStrictEqual(removed.sort(), ["exec-0", "exec-1"])
        assert.deepStrictEqual(added.sort(), ["exec-2", "exec-3"])
        assert.deepStrictEqual(sc.executorIds.sort(), ["exec-2", "exec-3"])
      }))
    }), { timeout: 120_000 })

  it.live(
    "thread exit of every executor mid-job on worker threads: the job completes on replacements",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const sc = yield* SparkContext.make({ master: "local-cluster[2,1,128]" })
        const added: Array<string> = []
        sc.addSparkListener({ onExecutorAdded: (event) => void added.push(event.executorId) })
        // The first executors (exec-0, exec-1) end their thread on their first task; replacements do not.
        const result = yield* sc.parallelize([1, 2, 3, 4, 5, 6], 6).map((x) => {
          const { workerData } = process.getBuiltinModule("node:worker_threads")
          if (/^exec-[01]$/.test((workerData as { executorId: string }).executorId)) process.exit(1)
          return [x % 2, x] as const
        }).reduceByKey((a, b) => a + b, 2).collect()
        assertSameMultiset(result, [[0, 12], [1, 9]])
        yield* eventually("both replacements added", () => added.includes("exec-2") && added.includes("exec-3"))
        assert.deepStrictEqual(sc.executorIds.sort(), ["exec-2", "exec-3"])
      })),
    { timeout: 90_000 }
  )
})

describe("with replacement disabled", () => {
  for (const { master, name } of masters) {
    it.live(
      `${name}: every executor lost fails the job with ExecutorWaitTimeoutError within the timeout`,
      () =>
        Effect.scoped(Effect.gen(function*() {
          const sc = yield* SparkContext.make({
            master,
            conf: {
              "spark.deploy.maxExecutorRetries": 0,
              "spark.scheduler.executorWaitTimeout": "2s",
              "spark.scheduler.revive.interval": "200ms",
              "spark.task.maxFailures": 100
            }
          })
          const started = Date.now()
          const error = yield* Effect.flip(
            sc.parallelize([1, 2, 3, 4], 4).map((x) => {
              if (x > 0) process.exit(1)
              return x
            }).collect()
          )
          assert.strictEqual(error._tag, "JobFailedError")
          assert.strictEqual(causeOf(error)._tag, "ExecutorWaitTimeoutError")
          assert.include(causeOf(error).message, "spark.scheduler.executorWaitTimeout")
          assert.isBelow(Date.now() - started, 30_000)
          assert.deepStrictEqual(sc.executorIds, [])
        })),
      { timeout: 60_000 }
    )
  }
})

describe("the keys are validated", () => {
  it.live("an invalid spark.scheduler.executorWaitTimeout or spark.deploy.maxExecutorRetries fails make, naming the key", () =>
    Effect.gen(function*() {
      for (
        const [master, key, value] of [
          ["local[1]", "spark.scheduler.executorWaitTimeout", "soon"],
          ["local-cluster[1,1,128]", "spark.deploy.maxExecutorRetries", "-2"],
          ["local-cluster[1,1,128]", "spark.deploy.maxExecutorRetries", "many"]
        ] as const
      ) {
        const error = yield* Effect.flip(Effect.scoped(SparkContext.make({ master, conf: { [key]: value } })))
        assert.strictEqual(error._tag, "InvalidArgumentError", key)
        assert.include(error.message, key)
      }
    }))
})

describe("spark.scheduler.executorWaitTimeout on the test clock", () => {
  // Real worker threads die (their losses are real events); the wait itself runs on the TestClock.
  const realWait = (ms: number) => Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, ms)))

  it.effect("the default 60 s: the job is still waiting at 58 s and has failed by 61 s", () =>
    Effect.scoped(Effect.gen(function*() {
      const sc = yield* SparkContext.make({
        master: "local-cluster[2,1,128]",
        conf: { "spark.deploy.maxExecutorRetries": 0, "spark.task.maxFailures": 100 }
      })
      const removed: Array<string> = []
      sc.addSparkListener({ onExecutorRemoved: (event) => void removed.push(event.executorId) })
      const job = yield* Effect.forkChild(Effect.flip(
        sc.parallelize([1, 2, 3, 4], 4).map((x) => {
          if (x > 0) process.exit(1)
          return x
        }).collect()
      ))
      const deadline = Date.now() + 30_000
      while (removed.length < 2) {
        if (Date.now() > deadline) return assert.fail("timed out waiting for both executors to be removed")
        yield* realWait(50)
      }
      // The round of offers after the losses starts the wait (at test time 0); revives tick every second.
      yield* TestClock.adjust("58 seconds")
      yield* realWait(200)
      assert.isUndefined(job.pollUnsafe(), "still waiting before the timeout")
      yield* TestClock.adjust("3 seconds")
      const error = yield* Fiber.join(job)
      assert.strictEqual(error._tag, "JobFailedError")
      assert.strictEqual(causeOf(error)._tag, "ExecutorWaitTimeoutError")
      assert.include(causeOf(error).message, "spark.scheduler.executorWaitTimeout is 60000 ms")
    })), { timeout: 60_000 })
})
