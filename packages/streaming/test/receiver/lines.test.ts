// Lines stored as bytes: the BlockGenerator's line blocks, the read buffers
// of SocketTextReceiver (LineSlabs), Receiver.storeLines, and the receiver
// end to end on a real socket.
import { assert, describe, it } from "@effect/vitest"
import { BlockId, LineBlock } from "@tspark/core"
import { RateLimiter } from "@tspark/rate-control"
import { Effect, Fiber, Logger } from "effect"
import { TestClock } from "effect/testing"
import * as net from "node:net"
import { LineSlabs } from "../../src/internal/lineReading.js"
import * as BlockGenerator from "../../src/receiver/BlockGenerator.js"
import { ReceiverStoppedError, StoreArgumentError } from "../../src/receiver/ReceiverError.js"
import { SocketTextReceiver } from "../../src/receiver/SocketReceiver.js"
import { waitUntil } from "../utils/realTime.js"
import { makeBlockManager, makeTracker, recordsOf, settle, supervise } from "./utils.js"

const bytes = (s: string) => Buffer.from(s, "utf8")

/** A listener that keeps line blocks as they come (bytes and count) and record blocks as records. */
const lineCollector = (takesLines = true) => {
  const blocks: Array<{ readonly id: string; readonly records?: ReadonlyArray<string>; readonly lines?: Buffer; readonly count?: number }> =
    []
  const listener: BlockGenerator.BlockGeneratorListener<string> = {
    onPushBlock: (id, records) => Effect.sync(() => void blocks.push({ id: id.name, records })),
    ...(takesLines
      ? { onPushLineBlock: (id, lines, count) => Effect.sync(() => void blocks.push({ id: id.name, lines, count })) }
      : {}),
    onError: (message) => assert.fail(message)
  }
  const records = () => blocks.flatMap((b) => b.records ?? LineBlock.decode(b.lines!))
  return { listener, blocks, records }
}

/** A slab-like read buffer: chunks of it follow one another after a newline. */
const readInto = (content: string) => {
  const slab = Buffer.alloc(4096)
  slab[0] = 10
  const end = 1 + slab.write(content, 1)
  return {
    slab,
    cut: (...at: Array<number>) =>
      [1, ...at.map((n) => n + 1), end].slice(0, -1).map((from, i, all) => slab.subarray(from, all[i + 1] ?? end))
  }
}

describe("BlockGenerator line blocks", () => {
  it.effect("lines added as bytes become one line block per cut, a view of the memory they were read into", () =>
    Effect.gen(function*() {
      const c = lineCollector()
      const generator = yield* BlockGenerator.make(c.listener, { streamId: 0, blockIntervalMs: 100 })
      yield* generator.start
      const read = readInto("a\nb\nc\n")
      const [ab, last] = read.cut(4)
      yield* generator.addLines(ab!, 2, undefined)
      assert.isTrue(generator.tryAddLines(last!, 1, undefined))
      yield* TestClock.adjust("100 millis")
      yield* settle()
      assert.strictEqual(c.blocks.length, 1)
      assert.strictEqual(c.blocks[0]!.count, 3)
      assert.strictEqual(c.blocks[0]!.lines!.buffer, read.slab.buffer, "not copied")
      assert.deepStrictEqual(c.records(), ["a", "b", "c"])
      yield* generator.stop
    }).pipe(Effect.scoped))

  it.effect("lines from separate memory in one interval become one block for each run of adjacent chunks, in order", () =>
    Effect.gen(function*() {
      const c = lineCollector()
      const generator = yield* BlockGenerator.make(c.listener, { streamId: 0, blockIntervalMs: 100 })
      yield* generator.start
      const first = readInto("1\n2\n")
      const second = readInto("3\n")
      const [one, two] = first.cut(2)
      for (const [chunk, n] of [[one, 1], [two, 1], [second.cut()[0], 1]] as const) yield* generator.addLines(chunk!, n, undefined)
      yield* generator.stop
      assert.deepStrictEqual(c.blocks.map((b) => b.count), [2, 1])
      assert.deepStrictEqual(c.records(), ["1", "2", "3"])
      assert.strictEqual(new Set(c.blocks.map((b) => b.id)).size, 2)
    }).pipe(Effect.scoped))

  it.effect("records and lines mixed in one interval make one block of records, in the order they were added", () =>
    Effect.gen(function*() {
      const c = lineCollector()
      const generator = yield* BlockGenerator.make(c.listener, { streamId: 0, blockIntervalMs: 100 })
      yield* generator.start
      yield* generator.addLines(bytes("a\nb\n"), 2, undefined)
      yield* generator.addData("c")
      yield* generator.addLines(bytes("d\r\n"), 1, undefined)
      yield* generator.stop
      assert.strictEqual(c.blocks.length, 1)
      assert.deepStrictEqual(c.blocks[0]!.records, ["a", "b", "c", "d"])
    }).pipe(Effect.scoped))

  it.effect("a listener without onPushLineBlock, or with onAddData, gets the lines as records", () =>
    Effect.gen(function*() {
      const c = lineCollector(false)
      const generator = yield* BlockGenerator.make(c.listener, { streamId: 0, blockIntervalMs: 100 })
      yield* generator.start
      yield* generator.addLines(bytes("x\ny\n"), 2, undefined)
      yield* generator.stop
      assert.deepStrictEqual(c.blocks.map((b) => b.records), [["x", "y"]])
      const seen: Array<string> = []
      const d = lineCollector()
      const withAdd = yield* BlockGenerator.make({ ...d.listener, onAddData: (line) => seen.push(line) }, {
        streamId: 1,
        blockIntervalMs: 100
      })
      yield* withAdd.start
      yield* withAdd.addLines(bytes("p\nq\n"), 2, undefined)
      yield* withAdd.stop
      assert.deepStrictEqual(seen, ["p", "q"])
      assert.deepStrictEqual(d.blocks.map((b) => b.records), [["p", "q"]])
    }).pipe(Effect.scoped))

  it.effect("the rate limiter counts lines, not chunks", () =>
    Effect.gen(function*() {
      const c = lineCollector()
      const rateLimiter = yield* RateLimiter.make({ initialRate: 10 })
      const generator = yield* BlockGenerator.make(c.listener, { streamId: 0, blockIntervalMs: 100, rateLimiter })
      yield* generator.start
      const many = bytes("l\n".repeat(50))
      assert.isFalse(generator.tryAddLines(many, 50, undefined), "50 lines are over a rate of 10/s")
      const adding = yield* Effect.forkChild(generator.addLines(many, 50, undefined))
      yield* TestClock.adjust("2 seconds")
      yield* settle()
      assert.isUndefined(adding.pollUnsafe())
      yield* TestClock.adjust("4 seconds")
      yield* settle()
      yield* Fiber.join(adding)
      yield* generator.stop
      assert.strictEqual(c.records().length, 50)
    }).pipe(Effect.scoped))
})

describe("LineSlabs", () => {
  /** Feeds `text` into the slabs in reads of `readSize` bytes; returns the lines each read completed, and the rest. */
  const feed = (slabs: LineSlabs, text: Buffer, readSize: number) => {
    const completed: Array<Buffer> = []
    for (let at = 0; at < text.length; at += readSize) {
      const room = slabs.room()
      const n = text.copy(room, 0, at, Math.min(text.length, at + readSize))
      const lines = slabs.filled(n)
      if (lines !== undefined) completed.push(lines)
    }
    return completed
  }

  it("hands on each read's whole lines, keeps a partial line for the read that ends it, and the rest at the end", () => {
    const slabs = new LineSlabs()
    const text = bytes("é1\nline two\r\n3\nunfinished")
    const chunks = feed(slabs, text, 5)
    assert.isTrue(chunks.every((c) => c[c.length - 1] === 10))
    for (let i = 1; i < chunks.length; i++) assert.isTrue(LineBlock.follows(chunks[i - 1]!, chunks[i]!))
    const block = Effect.runSync(LineBlock.fromChunks(chunks))
    assert.deepStrictEqual(LineBlock.decode(block), ["é1", "line two", "3"])
    assert.deepStrictEqual(LineBlock.splitLines(slabs.rest()!), ["unfinished"])
  })

  it("carries a partial line into the next slab, and takes a line longer than a slab whole", () => {
    const slabs = new LineSlabs()
    const long = "x".repeat(30 << 20)
    const text = bytes(`${"short line\n".repeat(200_000)}${long}\nend\n`)
    const chunks = feed(slabs, text, 64 << 10)
    const lines = chunks.flatMap((c) => LineBlock.splitLines(c))
    assert.strictEqual(lines.length, 200_002)
    assert.strictEqual(lines[200_000], long)
    assert.strictEqual(lines[200_001], "end")
    assert.isUndefined(slabs.rest())
    // The chunks lie in more than one slab: not every chunk follows the one before.
    assert.isTrue(chunks.some((c, i) => i > 0 && !LineBlock.follows(chunks[i - 1]!, c)))
  })
})

/** A server that writes `text` to each connection in pieces of `piece` bytes, then ends it. */
const textServer = (text: Buffer, piece: number) =>
  new Promise<{ readonly port: number; readonly close: () => Promise<void> }>((resolve) => {
    const server = net.createServer((socket) => {
      socket.on("error", () => undefined)
      for (let at = 0; at < text.length; at += piece) socket.write(text.subarray(at, at + piece))
      socket.end()
    })
    server.listen(0, "127.0.0.1", () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        close: () => new Promise<void>((done) => server.close(() => done()))
      }))
  })

describe("SocketTextReceiver", () => {
  it("stores every line as a counted line block, \\r\\n and UTF-8 split across reads, and a last line without a newline", async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `${i} ${"é😀".repeat(i % 5)}`)
    const text = bytes(lines.map((l, i) => (i % 3 === 0 ? `${l}\r\n` : `${l}\n`)).join("") + "tail")
    const server = await textServer(text, 333)
    const receiver = new SocketTextReceiver("127.0.0.1", server.port)
    await Effect.runPromise(
      Effect.gen(function*() {
        const tracker = makeTracker()
        const blockManager = yield* makeBlockManager()
        const fiber = yield* supervise(receiver, tracker, blockManager, {
          "spark.streaming.blockInterval": "20ms",
          "spark.streaming.receiverRestartDelay": "60s"
        })
        // The end of the stream restarts the receiver (as Spark's): by then the tail has been stored.
        yield* waitUntil(() => tracker.errors.length > 0, "the end of the stream to restart the receiver")
        assert.match(tracker.errors[0]!.message, /had no more data/)
        receiver.stop("end of test")
        yield* Fiber.join(fiber)
        assert.deepStrictEqual(recordsOf(blockManager, tracker.blocks), [...lines, "tail"])
        assert.strictEqual(tracker.blocks.reduce((n, b) => n + (b.numRecords ?? 0), 0), lines.length + 1)
        for (const info of tracker.blocks) {
          assert.isTrue(LineBlock.isLineBlock(blockManager.getLocalBytes(BlockId.parse(info.blockId)!)!), info.blockId)
        }
      }).pipe(Effect.scoped, Effect.provide(Logger.layer([])))
    )
    await server.close()
  }, 30_000)
})

/** A line receiver that reads nothing itself: the test stores through it. */
class Quiet extends SocketTextReceiver {
  override onStart(): void {}
  override onStop(): void {}
}

describe("Receiver.storeLines", () => {
  it("refuses bytes that do not end a line, and a receiver that is not running", async () => {
    const receiver = new SocketTextReceiver("127.0.0.1", 1)
    const notRunning = await receiver.storeLines(bytes("a\n")).catch((e: unknown) => e)
    assert.instanceOf(notRunning, ReceiverStoppedError)
    const tracker = makeTracker()
    await Effect.runPromise(
      Effect.gen(function*() {
        const blockManager = yield* makeBlockManager()
        const quiet = new Quiet("127.0.0.1", 1)
        const fiber = yield* supervise(quiet, tracker, blockManager, {})
        yield* waitUntil(() => quiet.isStarted(), "the receiver to start")
        const partial = yield* Effect.promise(() => quiet.storeLines(bytes("a\npartial")).catch((e: unknown) => e))
        assert.instanceOf(partial, StoreArgumentError)
        assert.match((partial as StoreArgumentError).message, /must end with a newline/)
        yield* Effect.promise(() => quiet.storeLines(bytes("a\nb\n")))
        quiet.stop("end of test")
        yield* Fiber.join(fiber)
        assert.deepStrictEqual(recordsOf(blockManager, tracker.blocks), ["a", "b"])
      }).pipe(Effect.scoped, Effect.provide(Logger.layer([])))
    )
  })

  it("under a rate limit, stores a large run of lines in slices of whole lines, all of them, in order", async () => {
    const tracker = makeTracker()
    const lines = Array.from({ length: 300 }, (_, i) => `line ${i} ${"é".repeat(i % 3)}`)
    await Effect.runPromise(
      Effect.gen(function*() {
        const blockManager = yield* makeBlockManager()
        const quiet = new Quiet("127.0.0.1", 1)
        const conf = { "spark.streaming.receiver.maxRate": "1000", "spark.streaming.blockInterval": "20ms" }
        const fiber = yield* supervise(quiet, tracker, blockManager, conf)
        yield* waitUntil(() => quiet.isStarted(), "the receiver to start")
        // 300 lines at 1,000/s go in slices of 100 (a tenth of a second's worth), each cut at a line end.
        yield* Effect.promise(() => quiet.storeLines(bytes(lines.map((l) => `${l}\n`).join(""))))
        quiet.stop("end of test")
        yield* Fiber.join(fiber)
        assert.deepStrictEqual(recordsOf(blockManager, tracker.blocks), lines)
        assert.isAbove(tracker.blocks.length, 1, "spread over more than one block interval")
      }).pipe(Effect.scoped, Effect.provide(Logger.layer([])))
    )
  })
})
