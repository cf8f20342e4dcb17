import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Schedule } from "effect"
import fc from "fast-check"
import type * as Net from "node:net"
import { withEnv } from "../../../src/Closure.js"
import * as SparkContext from "../../../src/SparkContext.js"
import * as StorageLevel from "../../../src/storage/StorageLevel.js"
import { assertSameMultiset, tempDir, wordCount } from "../../utils/spark.js"

// Worker-thread executors run tasks shipped as plans: these tests use the real clock.
const cluster = (options: Partial<SparkContext.SparkContextOptions> = {}) =>
  SparkContext.make({ master: "local-cluster[2,1,128]", ...options })

describe("CoarseGrainedSchedulerBackend on worker threads (local-cluster)", () => {
  it.live("runs multi-stage jobs on worker threads with the same results as in process", () =>
    Effect.gen(function*() {
      const expected = yield* Effect.scoped(Effect.flatMap(SparkContext.make({ master: "local[2]" }), (sc) => wordCount(sc).collect()))
      yield* Effect.scoped(Effect.gen(function*() {
        const sc = yield* cluster()
        assertSameMultiset(yield* wordCount(sc).collect(), expected)
        assert.deepStrictEqual(sc.executorIds.sort(), ["exec-0", "exec-1"])
        // Broadcasts and accumulators work across threads; accumulators merge once per successful task.
        const allowed = sc.broadcast(new Set([1, 2, 3]))
        const seen = sc.longAccumulator()
        const kept = yield* sc.range(0, 100, 1, 6).filter(
          withEnv({ allowed, seen }, ({ allowed, seen }) => (x: number) => {
            seen.add(1)
            return allowed.value.has(x % 10)
          })
        ).count()
        assert.strictEqual(kept, 30)
        assert.strictEqual(seen.value, 100)
      }))
    }))

  it.live("refuses a function that captures a variable when the job is submitted", () =>
    Effect.scoped(Effect.gen(function*() {
      const sc = yield* cluster()
      const limit = 3
      const error = yield* Effect.flip(sc.range(0, 10).filter((x) => x < limit).count())
      assert.strictEqual(error._tag, "TaskNotSerializableError")
      assert.deepStrictEqual((error as { identifiers: ReadonlyArray<string> }).identifiers, ["limit"])
      assert.match(error.message, /withEnv\(\{ limit \}/)
    })))

  it.live("killing an executor thread mid-job still gives the undisturbed result (random kill points)", () =>
    Effect.gen(function*() {
      const expected = yield* Effect.scoped(Effect.flatMap(SparkContext.make({ master: "local[2]" }), (sc) => wordCount(sc).collect()))
      yield* Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(fc.integer({ min: 1, max: 14 }), fc.constantFrom("exec-0", "exec-1"), async (killAfter, victim) => {
            await Effect.runPromise(Effect.scoped(Effect.gen(function*() {
              const sc = yield* cluster()
              let ended = 0
              sc.addSparkListener({
                onTaskEnd: () => {
                  if (++ended === killAfter) void Effect.runPromise(sc.killExecutor(victim))
                }
              })
              const result = yield* wordCount(sc).collect()
              assertSameMultiset(result, expected, `killed ${victim} after ${killAfter} task ends`)
            })))
          }),
          { numRuns: 6 }
        )
      )
    }), { timeout: 120_000 })

  it.live("blocks stored with a _2 level survive the loss of one executor without recomputation", () =>
    Effect.scoped(Effect.gen(function*() {
      const sc = yield* cluster()
      const computed = sc.longAccumulator()
      const rdd = sc.range(0, 40, 1, 4)
        .map(withEnv({ computed }, ({ computed }) => (x: number) => {
          computed.add(1)
          return x * 2
        }))
        .persist(StorageLevel.MEMORY_ONLY_2)
      assert.strictEqual(yield* rdd.count(), 40)
      assert.strictEqual(computed.value, 40)
      yield* sc.killExecutor("exec-0")
      assert.strictEqual(yield* rdd.reduce((a, b) => a + b), 1560)
      assert.strictEqual(computed.value, 40, "no partition was recomputed")
    })))
})

describe("CoarseGrainedSchedulerBackend on executor processes over TCP (local-process)", () => {
  it.live(
    "runs multi-stage jobs on executor processes; a SIGKILLed process mid-job changes nothing (random kill points)",
    () =>
      Effect.gen(function*() {
        const expected = yield* Effect.scoped(Effect.flatMap(SparkContext.make({ master: "local[2]" }), (sc) => wordCount(sc).collect()))
        yield* Effect.promise(() =>
          fc.assert(
            fc.asyncProperty(fc.integer({ min: 0, max: 14 }), async (killAfter) => {
              await Effect.runPromise(Effect.scoped(Effect.gen(function*() {
                const sc = yield* SparkContext.make({ master: "local-process[2,1,128]" })
                assert.deepStrictEqual(sc.executorIds.sort(), ["exec-0", "exec-1"])
                let ended = 0
                sc.addSparkListener({
                  onTaskEnd: () => {
                    if (++ended === killAfter) void Effect.runPromise(sc.killExecutor("exec-1"))
                  }
                })
                assertSameMultiset(yield* wordCount(sc).collect(), expected, `SIGKILL after ${killAfter} task ends`)
              })))
            }),
            { numRuns: 3, examples: [[3]] }
          )
        )
      }),
    { timeout: 120_000 }
  )

  it("tspark executor refuses bad arguments with a message that says what to pass", async () => {
    const { spawnSync } = await import("node:child_process")
    const cli = new URL("../../../src/cli/tspark.ts", import.meta.url).pathname
    const run = spawnSync(process.execPath, ["--import", "tsx", cli, "executor", "--driver", "nowhere"], { encoding: "utf8" })
    assert.strictEqual(run.status, 2)
    assert.match(run.stderr, /--driver must be HOST:PORT, got "nowhere"/)
  })
})

describe("CoarseGrainedSchedulerBackend over TCP with executors started by hand (tcp://)", () => {
  it.live("an executor that stops answering is removed and its tasks run elsewhere", () =>
    Effect.scoped(Effect.gen(function*() {
      const { spawn } = yield* Effect.promise(() => import("node:child_process"))
      const net = yield* Effect.promise(() => import("node:net"))
      const { encodeFrame } = yield* Effect.promise(() => import("../../../src/internal/executor/framing.js"))
      // A free port for the driver to listen on.
      const port = yield* Effect.promise(() =>
        new Promise<number>((resolve) => {
          const probe = net.createServer().listen(0, "127.0.0.1", () => {
            const { port } = probe.address() as { port: number }
            probe.close(() => resolve(port))
          })
        })
      )
      const starting = yield* Effect.forkChild(SparkContext.make({
        master: `tcp://127.0.0.1:${port}`,
        conf: { "spark.executor.instances": 2, "spark.executor.heartbeatInterval": "200ms", "spark.network.timeout": "1500ms" }
      }))
      // A silent executor: registers, then never answers (no heartbeat, no results). It connects once the
      // driver listens (retrying while the driver starts), so nothing here depends on timing.
      const connect = Effect.callback<Net.Socket, Error>((resume) => {
        const socket = net.connect({ host: "127.0.0.1", port })
        socket.once("connect", () => resume(Effect.succeed(socket)))
        socket.once("error", (error) => resume(Effect.fail(error)))
      })
      const silent = yield* Effect.retry(connect, { times: 200, schedule: Schedule.spaced("25 millis") })
      silent.write(encodeFrame({ _tag: "Registered", executorId: "silent", host: "localhost", cores: 2 }))
      yield* Effect.addFinalizer(() => Effect.sync(() => silent.destroy()))
      // A real one, started by hand with the CLI.
      const cli = new URL("../../../src/cli/tspark.ts", import.meta.url).pathname
      // Its block store goes in a directory of the test's (a SIGKILLed executor cannot clean up after itself).
      const localDir = yield* tempDir
      const real = spawn(
        process.execPath,
        ["--import", "tsx", cli, "executor", "--driver", `127.0.0.1:${port}`, "--executor-id", "real", "--local-dir", localDir],
        { stdio: "ignore" }
      )
      yield* Effect.addFinalizer(() => Effect.sync(() => real.kill("SIGKILL")))
      const sc = yield* Fiber.join(starting)
      assert.deepStrictEqual(sc.executorIds.sort(), ["real", "silent"])
      const removed: Array<string> = []
      sc.addSparkListener({ onExecutorRemoved: (e) => void removed.push(e.executorId) })
      const sum = yield* sc.range(0, 100, 1, 8).map((x) => x * 2).reduce((a, b) => a + b)
      assert.strictEqual(sum, 9900)
      yield* sc.waitForListeners()
      assert.deepStrictEqual(removed, ["silent"])
      assert.deepStrictEqual(sc.executorIds, ["real"])
    })), { timeout: 60_000 })
})
