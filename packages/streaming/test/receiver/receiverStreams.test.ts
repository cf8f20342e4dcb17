// Receiver streams at their edges: what start refuses (a block interval not
// below the batch, a receiver that cannot be shipped, a bad address), an
// unreachable host (restarts, reported to listeners, never a crash) and
// rawSocketStream end to end.
import { assert, describe, it } from "@effect/vitest"
import { SparkContext } from "@tspark/core"
import { Effect, Exit } from "effect"
import * as net from "node:net"
import * as v8 from "node:v8"
import { Receiver } from "../../src/receiver/Receiver.js"
import type { ReceiverInfo } from "../../src/scheduler/ReceiverInfo.js"
import * as StreamingContext from "../../src/StreamingContext.js"
import { waitUntil } from "../utils/realTime.js"

/** A port nothing listens on: bound, then released. */
const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer()
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port
      server.close(() => resolve(port))
    })
  })

/** Not exported from any module: it cannot reach an executor in another thread. */
class LocalOnlyReceiver extends Receiver<number> {
  onStart(): void {}
  onStop(): void {}
}

const context = (master: string, conf: Record<string, string> = {}, batchDuration = 500) =>
  Effect.gen(function*() {
    const sc = yield* SparkContext.make({ master, appName: "receiver streams", conf })
    return yield* StreamingContext.make(sc, { batchDuration })
  })

describe("receiver streams: what start refuses", () => {
  it.live("a block interval that is not positive, or not smaller than the batch duration", () =>
    Effect.scoped(Effect.gen(function*() {
      for (const interval of ["0ms", "1s", "5s"]) {
        const ssc = yield* context("local[2]", { "spark.streaming.blockInterval": interval }, 1000)
        ssc.socketTextStream("127.0.0.1", 9).foreachRDD((rdd) => rdd.count())
        const exit = yield* Effect.exit(ssc.start())
        assert.isTrue(Exit.isFailure(exit), interval)
        assert.include(String(Exit.isFailure(exit) ? exit.cause : ""), "spark.streaming.blockInterval")
        assert.strictEqual(ssc.getState(), "INITIALIZED")
        yield* ssc.stop()
      }
    })))

  it.live("a bad host or port", () =>
    Effect.scoped(Effect.gen(function*() {
      for (const [host, port, fix] of [["", 80, "host"], ["localhost", 0, "port"], ["localhost", 70000, "port"]] as const) {
        const ssc = yield* context("local[2]")
        ssc.socketTextStream(host, port).foreachRDD((rdd) => rdd.count())
        const exit = yield* Effect.exit(ssc.start())
        assert.isTrue(Exit.isFailure(exit))
        assert.include(String(Exit.isFailure(exit) ? exit.cause : ""), `${fix} must be`)
        yield* ssc.stop()
      }
    })))

  it.live("a receiver that cannot be shipped to worker-thread executors, saying how to fix it", () =>
    Effect.scoped(Effect.gen(function*() {
      const ssc = yield* context("local-cluster[2,1,256]")
      ssc.receiverStream(new LocalOnlyReceiver()).foreachRDD((rdd) => rdd.count())
      const exit = yield* Effect.exit(ssc.start())
      assert.isTrue(Exit.isFailure(exit))
      const cause = String(Exit.isFailure(exit) ? exit.cause : "")
      assert.include(cause, "ReceiverNotShippableError")
      assert.include(cause, "static readonly module = import.meta.url")
      assert.strictEqual(ssc.getState(), "INITIALIZED")
      yield* ssc.stop()
    })))
})

describe("receiver streams at run time", () => {
  it.live("an unreachable host: the receiver restarts with a delay, listeners hear each error, the context keeps running", () =>
    Effect.scoped(Effect.gen(function*() {
      const port = yield* Effect.promise(freePort)
      const ssc = yield* context("local[2]", { "spark.streaming.receiverRestartDelay": "50ms" })
      const errors: Array<ReceiverInfo> = []
      let batches = 0
      ssc.socketTextStream("127.0.0.1", port).foreachRDD((rdd) => Effect.map(rdd.count(), () => void batches++))
      yield* ssc.addStreamingListener({ onReceiverError: (info) => void errors.push(info) })
      yield* ssc.start()
      yield* waitUntil(() => errors.length >= 3 && batches >= 3, "three errors and three batches")
      assert.include(errors[0]!.lastErrorMessage, `127.0.0.1:${port}`)
      assert.include(errors[0]!.lastError, "ECONNREFUSED")
      assert.strictEqual(ssc.getState(), "ACTIVE")
      yield* ssc.stop()
    })))

  it.live("a cancelled receiver job stops its receiver (onStop, deregistered), and the tracker starts it again", () =>
    Effect.scoped(Effect.gen(function*() {
      const ssc = yield* context("local[2]")
      const receiver = new LocalOnlyReceiver()
      const started: Array<ReceiverInfo> = []
      const stopped: Array<ReceiverInfo> = []
      ssc.receiverStream(receiver).foreachRDD((rdd) => rdd.count())
      yield* ssc.addStreamingListener({
        onReceiverStarted: (info) => void started.push(info),
        onReceiverStopped: (info) => void stopped.push(info)
      })
      yield* ssc.start()
      yield* waitUntil(() => started.length === 1, "the receiver to start")
      yield* ssc.sparkContext.cancelAllJobs()
      yield* waitUntil(() => stopped.length >= 1 && started.length >= 2, "the receiver to stop and start again")
      assert.isTrue(receiver.isStarted())
      yield* ssc.stop()
    })))

  it.live("rawSocketStream: each length-prefixed frame of serialized records is a block; every record arrives once", () =>
    Effect.scoped(Effect.gen(function*() {
      const frames = Array.from({ length: 20 }, (_, f) => Array.from({ length: 50 }, (_, i) => ({ f, i })))
      const server = yield* Effect.acquireRelease(
        Effect.promise(() =>
          new Promise<net.Server>((resolve) => {
            const s = net.createServer((socket) => {
              for (const frame of frames) {
                const body = v8.serialize(frame)
                const header = Buffer.alloc(4)
                header.writeUInt32BE(body.length)
                socket.write(Buffer.concat([header, body]))
              }
            })
            s.listen(0, "127.0.0.1", () => resolve(s))
          })
        ),
        (s) => Effect.promise(() => new Promise<void>((resolve) => s.close(() => resolve())))
      )
      const ssc = yield* context("local[2]")
      const seen: Array<{ readonly f: number; readonly i: number }> = []
      ssc.rawSocketStream<{ readonly f: number; readonly i: number }>("127.0.0.1", (server.address() as net.AddressInfo).port)
        .foreachRDD((rdd) => Effect.map(rdd.collect(), (records) => void seen.push(...records)))
      yield* ssc.start()
      yield* waitUntil(() => seen.length >= 1000, "every record")
      yield* ssc.stop()
      assert.deepStrictEqual(
        seen.map(({ f, i }) => f * 50 + i).sort((a, b) => a - b),
        Array.from({ length: 1000 }, (_, k) => k)
      )
    })))
})
