/**
 * The receiver events reach listeners through the same bus as batch events,
 * and `ReceiverInfo` is built from the tracker's state as Spark's.
 */
import { assert, describe, it } from "@effect/vitest"
import { ListenerBus } from "@tspark/core"
import { Effect } from "effect"
import { type ReceiverInfo, toReceiverInfo } from "../../src/scheduler/ReceiverInfo.js"
import * as StreamingListener from "../../src/scheduler/StreamingListener.js"

const info = (active: boolean): ReceiverInfo => ({
  streamId: 3,
  name: "SocketReceiver",
  active,
  location: "localhost",
  executorId: "1",
  lastErrorMessage: "",
  lastError: "",
  lastErrorTime: -1
})

describe("StreamingListener receiver events", () => {
  it.effect("onReceiverStarted/Error/Stopped are dispatched over a listener bus, beside the batch events", () =>
    Effect.scoped(Effect.gen(function*() {
      const bus = yield* ListenerBus.ListenerBus.make<
        StreamingListener.StreamingListenerEvent,
        StreamingListener.StreamingListener
      >(StreamingListener.dispatch)
      const heard: Array<string> = []
      yield* bus.addListener({
        onStreamingStarted: (time) => void heard.push(`started ${time}`),
        onReceiverStarted: (r) => void heard.push(`receiver started ${r.streamId} on ${r.executorId} ${r.active}`),
        onReceiverError: (r) => void heard.push(`receiver error ${r.streamId}: ${r.lastErrorMessage}`),
        onReceiverStopped: (r) => void heard.push(`receiver stopped ${r.streamId} ${r.active}`)
      })
      // a listener without the receiver callbacks is not disturbed by them
      yield* bus.addListener({ onBatchCompleted: () => undefined })
      bus.post({ _tag: "StreamingStarted", time: 1000 })
      bus.post({ _tag: "ReceiverStarted", info: info(true) })
      bus.post({ _tag: "ReceiverError", info: { ...info(true), lastErrorMessage: "connection refused" } })
      bus.post({ _tag: "ReceiverStopped", info: info(false) })
      yield* bus.waitUntilEmpty()
      assert.deepStrictEqual(heard, [
        "started 1000",
        "receiver started 3 on 1 true",
        "receiver error 3: connection refused",
        "receiver stopped 3 false"
      ])
    })))

  it("toReceiverInfo: active only when ACTIVE; location and executor from the running executor; errors or Spark's defaults", () => {
    const idle = toReceiverInfo({ receiverId: 0, state: "SCHEDULED", scheduledLocations: [{ host: "a" }], runningExecutor: undefined })
    assert.deepStrictEqual(idle, {
      streamId: 0,
      name: "",
      active: false,
      location: "",
      executorId: "",
      lastErrorMessage: "",
      lastError: "",
      lastErrorTime: -1
    })
    const running = toReceiverInfo({
      receiverId: 1,
      state: "ACTIVE",
      scheduledLocations: undefined,
      runningExecutor: { host: "h", executorId: "7" },
      name: "MyReceiver",
      errorInfo: { lastErrorMessage: "boom", lastError: "Error: boom", lastErrorTime: 5 }
    })
    assert.deepStrictEqual(running, {
      streamId: 1,
      name: "MyReceiver",
      active: true,
      location: "h",
      executorId: "7",
      lastErrorMessage: "boom",
      lastError: "Error: boom",
      lastErrorTime: 5
    })
  })
})
