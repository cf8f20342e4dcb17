// socketTextStream end to end over real loopback TCP, with the receiver in
// process, on a worker-thread executor and on an executor process: every
// line is counted exactly once across batches, also when the server is
// killed and restarted mid-stream; a graceful stop processes every line
// received before it. Real sockets need the real clock: waits are bounded
// polls that can only fail late, never pass wrongly.
import { assert, describe, it } from "@effect/vitest"
import { SparkContext } from "@tspark/core"
import { Effect } from "effect"
import type { ReceiverInfo } from "../../src/scheduler/ReceiverInfo.js"
import * as StreamingContext from "../../src/StreamingContext.js"
import { sleepReal, waitUntil } from "../utils/realTime.js"
import { type LineServer, startLineServer } from "../utils/lineServer.js"

const masters = ["local[2]", "local-cluster[2,1,256]", "local-process[2,1,256]"]

const conf = {
  "spark.streaming.blockInterval": "50ms",
  "spark.streaming.receiverRestartDelay": "100ms"
}

const lineServer = (options: Parameters<typeof startLineServer>[0]) =>
  Effect.acquireRelease(Effect.promise(() => startLineServer(options)), (server) => Effect.promise(() => server.close()))

const expectedLines = (n: number) => Array.from({ length: n }, (_, i) => `line-${i}`)

const assertExactlyOnce = (seen: ReadonlyArray<string>, server: LineServer) => {
  const sorted = [...seen].sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)))
  assert.deepStrictEqual(sorted, expectedLines(server.sent()))
}

/** Counts lines per batch and keeps every line seen. */
const countingContext = (master: string, batchMs: number, port: number, extraConf: Record<string, string> = {}) =>
  Effect.gen(function*() {
    const sc = yield* SparkContext.make({ master, appName: "socketTextStream test", conf: { ...conf, ...extraConf } })
    const ssc = yield* StreamingContext.make(sc, { batchDuration: batchMs })
    const seen: Array<string> = []
    const started: Array<ReceiverInfo> = []
    const errors: Array<ReceiverInfo> = []
    ssc.socketTextStream("127.0.0.1", port).foreachRDD((rdd) => Effect.map(rdd.collect(), (lines) => void seen.push(...lines)))
    yield* ssc.addStreamingListener({
      onReceiverStarted: (info) => void started.push(info),
      onReceiverError: (info) => void errors.push(info)
    })
    return { sc, ssc, seen, started, errors }
  })

describe.each(masters)("socketTextStream on %s", (master) => {
  it.live("counts every line exactly once, across a server kill and restart", () =>
    Effect.scoped(Effect.gen(function*() {
      const server = yield* lineServer({ total: 3000, linesPerTick: 20, tickMs: 5 })
      const { errors, seen, ssc, started } = yield* countingContext(master, 200, server.port)
      yield* ssc.start()
      yield* waitUntil(() => server.sent() >= 1000, "1,000 lines sent")
      yield* Effect.promise(() => server.kill())
      yield* sleepReal(300)
      yield* Effect.promise(() => server.restart())
      yield* waitUntil(() => server.sent() === 3000 && seen.length >= 3000, "every line counted")
      yield* ssc.stop()
      assertExactlyOnce(seen, server)
      // The receiver reconnected in place (a restart is not a new job): registered once, the lost connection reported.
      assert.strictEqual(started.length, 1)
      assert.isTrue(errors.some((info) => info.lastErrorMessage.includes(`127.0.0.1:${server.port}`)))
    })))

  it.live("a graceful stop processes every line received before it", () =>
    Effect.scoped(Effect.gen(function*() {
      const server = yield* lineServer({ total: 1_000_000, linesPerTick: 10, tickMs: 5 })
      // Long blocks: at the stop, received lines still sit in the block generator's buffer.
      const { seen, ssc } = yield* countingContext(master, 2000, server.port, { "spark.streaming.blockInterval": "1s" })
      yield* ssc.start()
      yield* waitUntil(() => server.sent() >= 500, "500 lines sent")
      server.pause()
      // Loopback delivers at once; this only lets the receiver read what is in flight.
      yield* sleepReal(300)
      yield* ssc.stop({ stopGracefully: true })
      assertExactlyOnce(seen, server)
    })))
})
