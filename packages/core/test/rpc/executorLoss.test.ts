import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import * as SparkContext from "../../src/SparkContext.js"
import { backends, runAsync } from "../utils/rpc.js"
import { eventually } from "../utils/spark.js"

// Real threads and processes on the real clock; every wait is bounded.

for (const { master, name } of backends.filter((b) => b.cluster)) {
  describe(`RPC and executor loss, ${name}`, () => {
    it.live(
      "a lost executor is gone from sendToExecutor, and a reply to its pending ask is dropped",
      () =>
        Effect.scoped(Effect.gen(function*() {
          const sc = yield* SparkContext.make({ master })
          const askedBy: Array<string> = []
          const replies: Array<(value: unknown) => void> = []
          sc.rpcEnv.setupEndpoint("slow", {
            receiveAndReply: (_message, from) => {
              askedBy.push(from.executorId)
              return new Promise((resolve) => replies.push(resolve))
            }
          })
          const job = yield* Effect.forkChild(runAsync(sc, sc.parallelize([0], 1), (_it, ctx) => ctx.env.rpc.ask("slow", 1)))
          yield* eventually("the task's ask", () => askedBy.length === 1)
          const victim = askedBy[0]!
          assert.isTrue(sc.rpcEnv.sendToExecutor(victim, "anything", "dropped on the executor"))
          yield* sc.killExecutor(victim)
          assert.isFalse(sc.rpcEnv.sendToExecutor(victim, "anything", 1), "a lost executor cannot be sent to")
          // The handler answers after the loss: the reply goes nowhere, the driver goes on.
          replies[0]!("too late")
          // The task is retried on the other executor (or a replacement), whose ask is answered.
          yield* eventually("the retried task's ask", () => askedBy.length === 2)
          assert.notStrictEqual(askedBy[1], victim)
          replies[1]!("answered")
          assert.deepStrictEqual(yield* Fiber.join(job), ["answered"])
        })),
      { timeout: 90_000 }
    )
  })
}
