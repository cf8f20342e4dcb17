import { assert, describe, it } from "@effect/vitest"
import { SparkConf, TaskContext } from "@tspark/core"
import { Effect } from "effect"
import { describeReceiver } from "../../src/internal/receiverShipping.js"
import type { ToReceiverTracker } from "../../src/internal/receiverMessages.js"
import { receiverTaskFunction } from "../../src/receiver/ReceiverTask.js"
import { CountingReceiver } from "./fixtures.js"
import { waitUntil } from "../utils/realTime.js"
import { makeBlockManager, recordsOf } from "./utils.js"

const fakeRpc = () => {
  const asked: Array<[string, ToReceiverTracker]> = []
  const endpoints = new Map<string, (message: unknown) => void>()
  const rpc = {
    ask: (endpoint: string, message: unknown) => {
      asked.push([endpoint, message as ToReceiverTracker])
      return Promise.resolve(true)
    },
    send: (endpoint: string, message: unknown) => void asked.push([endpoint, message as ToReceiverTracker]),
    setupEndpoint: (name: string, handler: (message: unknown) => void) => {
      endpoints.set(name, handler)
      return () => endpoints.delete(name)
    }
  }
  return { rpc, asked, endpoints }
}

const contextFor = (env: object) => new TaskContext.TaskContext(0, 0, 0, 0, 1, new Map(), env as TaskContext.ExecutorEnv)

describe("receiverTaskFunction", () => {
  it.live("revives the receiver, supervises it over ctx.env.rpc and ends when it stops", () =>
    Effect.gen(function*() {
      const blockManager = yield* makeBlockManager()
      const { asked, endpoints, rpc } = fakeRpc()
      const descriptor = yield* describeReceiver(new CountingReceiver(4, true))
      const run = receiverTaskFunction({ receiver: descriptor, streamId: 7, conf: [["spark.streaming.blockInterval", "50ms"]] })
      const ctx = contextFor({ executorId: "exec-0", host: "localhost", conf: SparkConf.make({}), blockManager, rpc })
      yield* Effect.promise(() => run(undefined, ctx))
      assert.isTrue(asked.every(([endpoint]) => endpoint === "ReceiverTracker"))
      assert.deepStrictEqual(asked.map(([, m]) => m._tag), ["RegisterReceiver", "AddBlock", "DeregisterReceiver"])
      const added = asked.flatMap(([, m]) => (m._tag === "AddBlock" ? [m.info] : []))
      assert.deepStrictEqual(added.map((b) => [b.streamId, b.numRecords, b.executorId]), [[7, 4, "exec-0"]])
      assert.deepStrictEqual(recordsOf(blockManager, added), [0, 1, 2, 3])
      assert.strictEqual(endpoints.size, 0)
    }).pipe(Effect.scoped))

  it.live("stops the receiver when the task is killed, and hears StopReceiver on its endpoint", () =>
    Effect.gen(function*() {
      const blockManager = yield* makeBlockManager()
      const { asked, endpoints, rpc } = fakeRpc()
      const descriptor = yield* describeReceiver(new CountingReceiver(2, false))
      const ctx = contextFor({ executorId: "exec-0", host: "localhost", conf: SparkConf.make({}), blockManager, rpc })
      const done = receiverTaskFunction({ receiver: descriptor, streamId: 1, conf: [] })(undefined, ctx)
      yield* waitUntil(() => endpoints.has("ReceiverSupervisor-1"), "the supervisor's endpoint")
      ctx.markInterrupted()
      yield* Effect.promise(() => done)
      assert.strictEqual(asked.at(-1)![1]._tag, "DeregisterReceiver")

      const second = fakeRpc()
      const ctx2 = contextFor({ executorId: "exec-0", host: "localhost", conf: SparkConf.make({}), blockManager, rpc: second.rpc })
      const done2 = receiverTaskFunction({ receiver: descriptor, streamId: 2, conf: [] })(undefined, ctx2)
      yield* waitUntil(() => second.endpoints.has("ReceiverSupervisor-2"), "the second supervisor's endpoint")
      second.endpoints.get("ReceiverSupervisor-2")!({ _tag: "StopReceiver" })
      yield* Effect.promise(() => done2)
      const last = second.asked.at(-1)![1]
      assert.strictEqual(last._tag === "DeregisterReceiver" ? last.message : "", "Stopped by driver")
    }).pipe(Effect.scoped))

  it.live("fails clearly on an executor without RPC", () =>
    Effect.gen(function*() {
      const descriptor = yield* describeReceiver(new CountingReceiver(1, true))
      const ctx = contextFor({ executorId: "exec-9", host: "localhost", conf: SparkConf.make({}) })
      const error = yield* Effect.flip(
        Effect.tryPromise(() => receiverTaskFunction({ receiver: descriptor, streamId: 0, conf: [] })(undefined, ctx))
      )
      assert.match(String(error.cause), /executor exec-9 has no RPC to the driver/)
    }))
})
