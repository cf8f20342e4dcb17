/**
 * The receiver write-ahead log end to end, over a real TCP line server and
 * real files, on the test clock (local[2]): a context stopped abruptly with
 * one batch's blocks allocated but not processed and more blocks received
 * but not allocated recovers through StreamingContext.getOrCreate on a new
 * SparkContext (whose block managers hold none of those blocks): the
 * allocated blocks run again in their batch, read from the log, the others
 * go to the next batch, and every line is counted exactly once. Start
 * refuses the log without a checkpoint directory and leaves the context
 * usable; the logs stay bounded over many batches.
 */
import { assert, describe, it } from "@effect/vitest"
import type { SparkContext } from "@tspark/core"
import { Clock, Effect, Logger } from "effect"
import { TestClock } from "effect/testing"
import * as fs from "node:fs"
import * as path from "node:path"
import * as StreamingContext from "../../src/StreamingContext.js"
import * as Testing from "../../src/testing/index.js"
import { startLineServer } from "../utils/lineServer.js"
import { sleepReal, waitUntil } from "../utils/realTime.js"
import { makeSparkContext, tempDir } from "../utils/streaming.js"

const NOW = 1_700_000_000_000
const BATCH = 5000
const walConf = {
  "spark.streaming.receiver.writeAheadLog.enable": "true",
  "spark.streaming.blockInterval": "100ms",
  "spark.streaming.receiverRestartDelay": "100ms"
}

const lineServer = (total: number) =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const server = await startLineServer({ total, linesPerTick: 50, tickMs: 5 })
      server.pause()
      return server
    }),
    (server) => Effect.promise(() => server.close())
  )

/** The application: the socket's lines, collected per batch into `out`; the batch at `hangAt` never ends. */
const application =
  (sc: SparkContext.SparkContext, checkpointDir: string, port: number, out: Map<number, Array<string>>, hangAt?: number) => () =>
    Effect.gen(function*() {
      const ssc = yield* StreamingContext.make(sc, { batchDuration: BATCH })
      yield* ssc.checkpoint(checkpointDir)
      ssc.socketTextStream("127.0.0.1", port).foreachRDD((rdd, time) =>
        time === hangAt ? Effect.never : Effect.map(rdd.collect(), (lines) => void out.set(time, lines))
      )
      return ssc
    })

/** Records reported to the driver and not yet given to a batch. */
const unallocatedRecords = (ssc: StreamingContext.StreamingContext) =>
  (ssc.receiverTracker()?.receivedBlockTracker.getUnallocatedBlocks(0) ?? []).reduce((n, b) => n + (b.numRecords ?? 0), 0)

/**
 * Lets the server send at least `atLeast` lines (it sends 50 at a time), then moves the test clock a
 * block interval at a time (never to the next batch) until the receiver has stored and reported every
 * line sent since `from` (all of them unallocated). Returns how many lines were sent in all.
 */
const receive = (
  ssc: StreamingContext.StreamingContext,
  server: { resume(): void; pause(): void; sent(): number },
  from: number,
  atLeast: number
) =>
  Effect.gen(function*() {
    server.resume()
    yield* waitUntil(() => server.sent() >= atLeast, `${atLeast} lines sent`)
    server.pause()
    // A tick the server had started may still land.
    yield* sleepReal(20)
    const sent = server.sent()
    const expected = sent - from
    const deadline = Date.now() + 30_000
    while (unallocatedRecords(ssc) < expected) {
      if (Date.now() > deadline) return yield* Effect.die(new Error(`only ${unallocatedRecords(ssc)} of ${expected} lines reported`))
      yield* TestClock.adjust(100)
      yield* sleepReal(10)
    }
    assert.strictEqual(unallocatedRecords(ssc), expected)
    return sent
  })

/** Moves the test clock to the next batch boundary. */
const toNextBatch = Effect.gen(function*() {
  const now = yield* Clock.currentTimeMillis
  yield* TestClock.adjust(BATCH - (now % BATCH))
})

describe("the receiver write-ahead log", () => {
  it.effect(
    "a context stopped abruptly recovers the received blocks from the logs: every line counted exactly once",
    () =>
      Effect.scoped(Effect.gen(function*() {
        yield* TestClock.setTime(NOW)
        const checkpointDir = yield* tempDir("tspark-wal-ckpt-")
        const server = yield* lineServer(1_000_000)
        const first = new Map<number, Array<string>>()
        const second = new Map<number, Array<string>>()
        const batch = (k: number) => NOW + k * BATCH

        const sc1 = yield* makeSparkContext(walConf)
        const ssc1 = yield* StreamingContext.getOrCreate(checkpointDir, application(sc1, checkpointDir, server.port, first, batch(2)))
        yield* ssc1.start()
        assert.strictEqual(ssc1.graph.zeroTime, NOW)
        // Batch 1 processes the first lines.
        const inBatch1 = yield* receive(ssc1, server, 0, 100)
        yield* toNextBatch
        yield* ssc1.awaitCompletedBatches(1)
        // Batch 2 takes the next ones and never ends; its checkpoint is written when it is generated.
        const upToBatch2 = yield* receive(ssc1, server, inBatch1, inBatch1 + 150)
        yield* toNextBatch
        yield* waitUntil(() => fs.existsSync(path.join(checkpointDir, `checkpoint-${batch(2)}`)), "the checkpoint of batch 2")
        // More lines are received, stored and reported, but no batch takes them before the "crash".
        const total = yield* receive(ssc1, server, upToBatch2, upToBatch2 + 150)
        yield* ssc1.stop({ stopSparkContext: true, stopGracefully: false })
        assert.strictEqual(first.get(batch(1))?.length, inBatch1)
        assert.deepStrictEqual([...first.keys()], [batch(1)])
        assert.isAbove(fs.readdirSync(path.join(checkpointDir, "receivedData", "0")).length, 0)
        assert.isAbove(fs.readdirSync(path.join(checkpointDir, "receivedBlockMetadata")).length, 0)

        // A new driver: its block managers hold none of the received blocks.
        const sc2 = yield* makeSparkContext(walConf)
        const ssc2 = yield* StreamingContext.getOrCreate(checkpointDir, application(sc2, checkpointDir, server.port, second))
        yield* ssc2.start()
        // Batch 2 runs again at once, on the blocks it was given (read from the log) ...
        yield* ssc2.awaitCompletedBatches(1)
        assert.strictEqual(second.get(batch(2))?.length, upToBatch2 - inBatch1)
        // ... and the next batch takes the blocks no batch had taken.
        yield* Testing.advanceBatches(ssc2, 1)
        yield* ssc2.waitForListeners()
        assert.strictEqual(second.get(batch(3))?.length, total - upToBatch2)
        const all = [...first.values(), ...second.values()].flat()
        assert.deepStrictEqual(
          all.sort((a, b) => Number(a.slice(5)) - Number(b.slice(5))),
          Array.from({ length: total }, (_, i) => `line-${i}`)
        )
        yield* ssc2.stop()
      })),
    60_000
  )

  it.effect("start refuses the log without a checkpoint directory, saying what to call, and the context stays usable", () =>
    Effect.scoped(Effect.gen(function*() {
      const checkpointDir = yield* tempDir("tspark-wal-ckpt-")
      const sc = yield* makeSparkContext(walConf)
      const ssc = yield* StreamingContext.make(sc, { batchDuration: 1000 })
      ssc.socketTextStream("127.0.0.1", 9).count().foreachRDD(() => Effect.void)
      const error = yield* Effect.flip(ssc.start())
      assert.strictEqual(error._tag, "ReceiverConfigError")
      assert.include(error.message, "call ssc.checkpoint(dir) before ssc.start()")
      assert.strictEqual(ssc.getState(), "INITIALIZED")
      yield* ssc.checkpoint(checkpointDir)
      yield* ssc.start()
      assert.strictEqual(ssc.getState(), "ACTIVE")
      yield* ssc.stop()
    })))

  it.effect("an invalid log setting fails start naming the key", () =>
    Effect.scoped(Effect.gen(function*() {
      const checkpointDir = yield* tempDir("tspark-wal-ckpt-")
      const sc = yield* makeSparkContext({ ...walConf, "spark.streaming.receiver.writeAheadLog.groupCommitInterval": "soon" })
      const ssc = yield* StreamingContext.make(sc, { batchDuration: 1000 })
      yield* ssc.checkpoint(checkpointDir)
      ssc.socketTextStream("127.0.0.1", 9).count().foreachRDD(() => Effect.void)
      const error = yield* Effect.flip(ssc.start())
      assert.include(error.message, "spark.streaming.receiver.writeAheadLog.groupCommitInterval must be a duration")
    })))

  it.effect(
    "over many batches the receiver's and the tracker's logs keep a bounded number of segments",
    () =>
      Effect.scoped(Effect.gen(function*() {
        yield* TestClock.setTime(NOW)
        const checkpointDir = yield* tempDir("tspark-wal-ckpt-")
        const server = yield* lineServer(1_000_000)
        server.resume()
        const sc = yield* makeSparkContext({
          ...walConf,
          "spark.streaming.receiver.writeAheadLog.rollingIntervalSecs": "1",
          "spark.streaming.driver.writeAheadLog.rollingIntervalSecs": "1"
        })
        const ssc = yield* StreamingContext.make(sc, { batchDuration: 1000 })
        yield* ssc.checkpoint(checkpointDir)
        let lines = 0
        ssc.socketTextStream("127.0.0.1", server.port).foreachRDD((rdd) => Effect.map(rdd.count(), (n) => void (lines += n)))
        yield* ssc.start()
        const count = (dir: string) => fs.existsSync(dir) ? fs.readdirSync(dir).length : 0
        let most = { received: 0, tracker: 0 }
        for (let i = 0; i < 40; i++) {
          // Each batch: ten block intervals, with real time for the receiver to read and store.
          for (let tick = 0; tick < 10; tick++) {
            yield* TestClock.adjust(100)
            yield* sleepReal(5)
          }
          yield* ssc.awaitCompletedBatches(i + 1)
          most = {
            received: Math.max(most.received, count(path.join(checkpointDir, "receivedData", "0"))),
            tracker: Math.max(most.tracker, count(path.join(checkpointDir, "receivedBlockMetadata")))
          }
        }
        yield* ssc.stop()
        assert.isAbove(lines, 0)
        // One segment a second, kept while their batches may still need them (a few batches), then cleaned.
        assert.isAtMost(most.tracker, 6)
        assert.isAtMost(most.received, 6)
      })),
    60_000
  )

  for (const wal of [false, true]) {
    it.effect(
      `recovery ${wal ? "with the log on says nothing of lost blocks" : "with the log off warns that unprocessed blocks are lost"}`,
      () =>
        Effect.scoped(Effect.gen(function*() {
          yield* TestClock.setTime(NOW)
          const checkpointDir = yield* tempDir("tspark-wal-ckpt-")
          const server = yield* lineServer(0)
          const conf = { ...walConf, "spark.streaming.receiver.writeAheadLog.enable": String(wal) }
          const sc1 = yield* makeSparkContext(conf)
          const ssc1 = yield* StreamingContext.getOrCreate(checkpointDir, application(sc1, checkpointDir, server.port, new Map()))
          yield* ssc1.start()
          yield* Testing.advanceBatches(ssc1, 1)
          yield* waitUntil(() => fs.readdirSync(checkpointDir).some((f) => f.startsWith("checkpoint-")), "a checkpoint")
          yield* ssc1.stop({ stopSparkContext: true, stopGracefully: false })
          const warnings: Array<string> = []
          const capture = Logger.layer([Logger.make((o) => void warnings.push(String(o.message)))])
          const sc2 = yield* makeSparkContext(conf)
          const ssc2 = yield* StreamingContext.getOrCreate(checkpointDir, application(sc2, checkpointDir, server.port, new Map())).pipe(
            Effect.provide(capture)
          )
          yield* ssc2.stop()
          const lost = warnings.filter((w) => w.includes("recovers without the blocks it received"))
          if (wal) assert.deepStrictEqual(lost, [])
          else assert.match(lost[0] ?? "", /they are lost unless spark\.streaming\.receiver\.writeAheadLog\.enable is set to true/)
        })),
      30_000
    )
  }
})
