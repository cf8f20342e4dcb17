import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { withEnv } from "../../src/Closure.js"
import { RpcEndpointAlreadyRegisteredError } from "../../src/rpc/RpcEndpoint.js"
import type { TaskContext } from "../../src/scheduler/TaskContext.js"
import * as SparkContext from "../../src/SparkContext.js"
import { backends, runAsync } from "../utils/rpc.js"

// Executors are real threads and processes: these tests run on the real clock, each bounded by its timeout.

/** What a task's ask ended with, as plain data (errors do not cross back as classes). */
const askOutcome = async (ctx: TaskContext, endpoint: string, message: unknown) => {
  try {
    return { ok: true, value: await ctx.env.rpc.ask(endpoint, message) }
  } catch (error) {
    const e = error as { _tag?: string; reason?: string; message?: string }
    return { ok: false, tag: e._tag, reason: e.reason, message: e.message }
  }
}

for (const { master, name, cluster } of backends) {
  describe(`RPC endpoints, ${name}`, () => {
    it.live("a task asks a driver endpoint and gets its reply; the endpoint knows the sender", () =>
      Effect.scoped(Effect.gen(function*() {
        const sc = yield* SparkContext.make({ master })
        sc.rpcEnv.setupEndpoint("echo", {
          receiveAndReply: async (message, from) => {
            await new Promise((resolve) => setImmediate(resolve))
            return { message, from: from.executorId }
          }
        })
        const replies = yield* runAsync(sc, sc.parallelize([10, 20], 2), async (it, ctx) => {
          const first = it.next().value as number
          const reply = await ctx.env.rpc.ask("echo", { first })
          return { reply, executorId: ctx.env.executorId }
        })
        assert.deepStrictEqual(replies.map((r) => (r.reply as { message: unknown }).message), [{ first: 10 }, { first: 20 }])
        for (const r of replies) assert.strictEqual((r.reply as { from: string }).from, r.executorId)
        if (cluster) assert.deepStrictEqual(new Set(replies.map((r) => r.executorId)), new Set(["exec-0", "exec-1"]))
        else assert.deepStrictEqual(replies.map((r) => r.executorId), ["driver", "driver"])
      })), { timeout: 60_000 })

    it.live("the driver sends to an endpoint a running task registered on its executor", () =>
      Effect.scoped(Effect.gen(function*() {
        const sc = yield* SparkContext.make({ master })
        const sent: Array<boolean> = []
        sc.rpcEnv.setupEndpoint("ready", {
          receive: (message, from) => {
            const { partition } = message as { partition: number }
            sent.push(sc.rpcEnv.sendToExecutor(from.executorId, `probe-${partition}`, `hello ${partition}`))
          }
        })
        const got = yield* runAsync(sc, sc.parallelize([1, 2], 2), (_it, ctx) =>
          new Promise<unknown>((resolve) => {
            const unregister = ctx.env.rpc.setupEndpoint(`probe-${ctx.partitionId}`, (message) => {
              unregister()
              resolve(message)
            })
            ctx.env.rpc.send("ready", { partition: ctx.partitionId })
          }))
        assert.deepStrictEqual(got, ["hello 0", "hello 1"])
        assert.deepStrictEqual(sent, [true, true])
      })), { timeout: 60_000 })

    it.live(
      "asks to unknown endpoints and to failing handlers reject with RpcError; one-way messages to nowhere are dropped",
      () =>
        Effect.scoped(Effect.gen(function*() {
          const sc = yield* SparkContext.make({ master })
          sc.rpcEnv.setupEndpoint("broken", { receiveAndReply: () => Promise.reject(new Error("the handler broke")) })
          sc.rpcEnv.setupEndpoint("throws", {
            receiveAndReply: () => {
              throw new Error("thrown at once")
            }
          })
          sc.rpcEnv.setupEndpoint("oneWayOnly", { receive: () => {} })
          const outcomes = yield* runAsync(
            sc,
            sc.parallelize([0], 1),
            withEnv({ askOutcome }, ({ askOutcome }) => async (_it: Iterator<number>, ctx: TaskContext) => {
              // Dropped with a WARN on the driver: the task goes on.
              ctx.env.rpc.send("nobody", "lost")
              return [
                await askOutcome(ctx, "nobody", 1),
                await askOutcome(ctx, "oneWayOnly", 2),
                await askOutcome(ctx, "broken", 3),
                await askOutcome(ctx, "throws", 4)
              ]
            })
          )
          const [unknown, oneWay, broken, throws] = outcomes[0]!
          assert.deepInclude(unknown, { ok: false, tag: "RpcError", reason: "NoSuchEndpoint" })
          assert.match(unknown!.message!, /no RPC endpoint named "nobody".*registered: "broken", "throws", "oneWayOnly"/)
          assert.deepInclude(oneWay, { ok: false, reason: "NoSuchEndpoint" })
          assert.deepInclude(broken, { ok: false, tag: "RpcError", reason: "HandlerFailed" })
          assert.match(broken!.message!, /"broken" failed to answer: .*the handler broke/)
          assert.deepInclude(throws, { ok: false, reason: "HandlerFailed" })
          assert.match(throws!.message!, /thrown at once/)
          // Unknown executors: nothing is sent.
          assert.isFalse(sc.rpcEnv.sendToExecutor("no-such-executor", "x", 1))
        })),
      { timeout: 60_000 }
    )

    it.live(
      "a duplicate endpoint name throws RpcEndpointAlreadyRegisteredError, on the driver and on an executor",
      () =>
        Effect.scoped(Effect.gen(function*() {
          const sc = yield* SparkContext.make({ master })
          const unregister = sc.rpcEnv.setupEndpoint("tracker", {})
          assert.throws(() => sc.rpcEnv.setupEndpoint("tracker", {}), RpcEndpointAlreadyRegisteredError)
          unregister()
          sc.rpcEnv.setupEndpoint("tracker", {})
          const tags = yield* sc.runJob(sc.parallelize([0], 1), (_it, ctx) => {
            const un = ctx.env.rpc.setupEndpoint("twice", () => {})
            try {
              ctx.env.rpc.setupEndpoint("twice", () => {})
              return "no error"
            } catch (error) {
              return (error as { _tag: string })._tag
            } finally {
              un()
            }
          })
          assert.deepStrictEqual(tags, ["RpcEndpointAlreadyRegisteredError"])
        })),
      { timeout: 60_000 }
    )
  })
}
