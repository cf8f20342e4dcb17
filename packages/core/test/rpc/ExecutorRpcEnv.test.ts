import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import type { RpcFromExecutor } from "../../src/internal/executor/protocol.js"
import { DriverRpcEndpoints } from "../../src/rpc/DriverRpcEndpoints.js"
import { ExecutorRpcEnv } from "../../src/rpc/ExecutorRpcEnv.js"
import type { RpcError } from "../../src/rpc/RpcEndpoint.js"

/** An executor's RPC side wired to a driver's endpoints in this process, on the test's clock. */
const wire = Effect.gen(function*() {
  const context = yield* Effect.context<never>()
  const run = <A>(effect: Effect.Effect<A>) => Effect.runForkWith(context)(effect)
  const driver = new DriverRpcEndpoints(run)
  const sent: Array<RpcFromExecutor> = []
  const executor = new ExecutorRpcEnv({
    executorId: "exec-7",
    send: (message) => {
      sent.push(message)
      queueMicrotask(() => driver.receive("exec-7", message))
    },
    askTimeoutMs: 120_000,
    run
  })
  driver.executorAdded("exec-7", "host-a", (message) => queueMicrotask(() => executor.handle(message)))
  return { driver, executor, sent }
})

const settle = <A>(promise: Promise<A>) =>
  Effect.promise(() => promise.then((value) => ({ ok: true as const, value }), (error: RpcError) => ({ ok: false as const, error })))

describe("ExecutorRpcEnv", () => {
  it.effect("an ask without a reply rejects after spark.rpc.askTimeout (or its own timeout), on Effect's clock", () =>
    Effect.gen(function*() {
      const { driver, executor } = yield* wire
      driver.setupEndpoint("silent", { receiveAndReply: () => new Promise(() => {}) })
      const byDefault = yield* Effect.forkChild(settle(executor.ask("silent", 1)))
      const short = yield* Effect.forkChild(settle(executor.ask("silent", 2, 5_000)))
      yield* TestClock.adjust("5 seconds")
      const early = yield* Fiber.join(short)
      assert.isFalse(early.ok)
      if (!early.ok) {
        assert.strictEqual(early.error.reason, "Timeout")
        assert.match(early.error.message, /"silent" from executor exec-7 got no reply within 5000 ms/)
      }
      yield* TestClock.adjust("115 seconds")
      const late = yield* Fiber.join(byDefault)
      assert.isFalse(late.ok)
      if (!late.ok) assert.strictEqual(late.error.reason, "Timeout")
    }))

  it.effect("stopping the executor rejects its pending asks and later ones; replies and sends after that go nowhere", () =>
    Effect.gen(function*() {
      const { driver, executor, sent } = yield* wire
      const answers: Array<(value: unknown) => void> = []
      driver.setupEndpoint("slow", { receiveAndReply: () => new Promise((resolve) => answers.push(resolve)) })
      const pending = yield* Effect.forkChild(settle(executor.ask("slow", 1)))
      yield* Effect.promise(() => new Promise((resolve) => setImmediate(resolve)))
      assert.strictEqual(answers.length, 1)
      executor.stop("the executor stopped (test)")
      const outcome = yield* Fiber.join(pending)
      assert.isFalse(outcome.ok)
      if (!outcome.ok) {
        assert.strictEqual(outcome.error.reason, "ExecutorStopped")
        assert.match(outcome.error.message, /"slow" ended without a reply: the executor stopped \(test\) \(executor exec-7\)/)
      }
      answers[0]!("late")
      const after = yield* settle(executor.ask("slow", 2))
      assert.isFalse(after.ok)
      const before = sent.length
      executor.send("slow", 3)
      assert.strictEqual(sent.length, before)
    }))

  it.effect("the driver's endpoint hears the sender; a removed executor is not sent to", () =>
    Effect.gen(function*() {
      const { driver, executor } = yield* wire
      const heard: Array<unknown> = []
      driver.setupEndpoint("who", { receiveAndReply: (message, from) => ({ message, from }) })
      const reply = yield* settle(executor.ask("who", "me"))
      assert.deepStrictEqual(reply, { ok: true, value: { message: "me", from: { executorId: "exec-7", host: "host-a" } } })
      executor.setupEndpoint("inbox", (message) => heard.push(message))
      assert.isTrue(driver.sendToExecutor("exec-7", "inbox", "hi"))
      yield* Effect.promise(() => Promise.resolve())
      assert.deepStrictEqual(heard, ["hi"])
      driver.executorRemoved("exec-7")
      assert.isFalse(driver.sendToExecutor("exec-7", "inbox", "gone"))
      assert.deepStrictEqual(driver.executorIds(), [])
    }))
})
