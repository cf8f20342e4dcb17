/**
 * A receiver's restart is logged at WARN by its supervisor (Spark's
 * ReceiverSupervisor "Restarting receiver with delay"), with the error it
 * reported; the restart itself happens after spark.streaming.receiverRestartDelay.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Logger } from "effect"
import { TestClock } from "effect/testing"
import * as ReceiverSupervisor from "../../src/receiver/ReceiverSupervisor.js"
import { makeBlockManager, makeTracker, settle, TestReceiver } from "./utils.js"

describe("receiver restarts", () => {
  it.effect("are logged at WARN with the reason and the delay", () => {
    const lines: Array<string> = []
    const logger = Logger.make(({ logLevel, message }) =>
      void lines.push(`${logLevel} ${Array.isArray(message) ? message.join(" ") : String(message)}`)
    )
    return Effect.gen(function*() {
      const tracker = makeTracker()
      const receiver = Object.assign(new TestReceiver(), { failStarts: 1 })
      const fiber = yield* Effect.forkChild(ReceiverSupervisor.run(receiver, {
        link: tracker.link,
        blockManager: yield* makeBlockManager(),
        conf: { "spark.streaming.blockInterval": "100ms", "spark.streaming.receiverRestartDelay": "1s" },
        executorId: "exec-0",
        host: "localhost",
        streamId: 0
      }))
      yield* settle()
      yield* TestClock.adjust("1 second")
      yield* settle()
      assert.strictEqual(receiver.starts, 2)
      const warnings = lines.filter((line) => line.startsWith("Warn "))
      assert.isTrue(
        warnings.some((line) => /^Warn Restarting receiver 0 with delay 1000ms: Error starting receiver 0/.test(line)),
        lines.join("\n")
      )
      receiver.stop("done")
      yield* Fiber.join(fiber)
    }).pipe(Effect.scoped, Effect.provide(Logger.layer([logger])))
  })
})
