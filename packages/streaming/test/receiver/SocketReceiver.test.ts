import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Logger } from "effect"
import * as net from "node:net"
import * as v8 from "node:v8"
import { RawNetworkReceiver } from "../../src/receiver/RawNetworkReceiver.js"
import type * as ReceiverSupervisor from "../../src/receiver/ReceiverSupervisor.js"
import { lineConverter, socketTextReceiver } from "../../src/receiver/SocketReceiver.js"
import { waitUntil } from "../utils/realTime.js"
import { makeBlockManager, makeTracker, recordsOf, supervise } from "./utils.js"

/** A loopback line server: each connection gets `lines` written in small chunks, then stays open. */
const lineServer = (lines: ReadonlyArray<string>, port = 0) =>
  new Promise<{ readonly port: number; readonly kill: () => Promise<void> }>((resolve, reject) => {
    const sockets = new Set<net.Socket>()
    const server = net.createServer((socket) => {
      sockets.add(socket)
      socket.on("error", () => undefined)
      const text = lines.map((l, i) => (i % 2 === 0 ? `${l}\r\n` : `${l}\n`)).join("")
      // Odd chunk sizes split lines (and CRLF pairs) across chunks.
      for (let i = 0; i < text.length; i += 37) socket.write(text.slice(i, i + 37))
    })
    server.once("error", reject)
    server.listen(port, "127.0.0.1", () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        kill: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy()
            server.close(() => done())
          })
      }))
  })

const conf = { "spark.streaming.blockInterval": "50ms", "spark.streaming.receiverRestartDelay": "100ms" }

/** Runs `receiver` under a supervisor on the real clock, with a real BlockManager and an in-memory tracker. */
const supervised = <T>(
  receiver: Parameters<typeof ReceiverSupervisor.run<T>>[0],
  body: (env: {
    readonly tracker: ReturnType<typeof makeTracker>
    readonly records: () => Array<unknown>
  }) => Effect.Effect<void>
) =>
  Effect.runPromise(
    Effect.gen(function*() {
      const tracker = makeTracker()
      const blockManager = yield* makeBlockManager()
      const fiber = yield* supervise(receiver, tracker, blockManager, conf)
      yield* body({ tracker, records: () => recordsOf(blockManager, tracker.blocks) })
      receiver.stop("end of test")
      yield* Fiber.join(fiber)
    }).pipe(Effect.scoped, Effect.provide(Logger.layer([])))
  )

const wait = (check: () => boolean, ms = 10_000) => waitUntil(check, "the receiver's records or errors", ms)

const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `line ${from + i} é`)

describe("SocketReceiver", () => {
  it("counts every line exactly once, and reconnects when the server is killed and restarted", async () => {
    const first = await lineServer(lines(0, 500))
    const receiver = socketTextReceiver("127.0.0.1", first.port)
    await supervised(receiver, ({ records, tracker }) =>
      Effect.gen(function*() {
        yield* wait(() => records().length >= 500)
        expect(records()).toEqual(lines(0, 500))
        yield* Effect.promise(() => first.kill())
        yield* wait(() => tracker.errors.length > 0)
        expect(tracker.errors[0]!.message).toMatch(/127\.0\.0\.1:\d+/)
        // Refused while the server is down: restarted again, then the new server is found.
        yield* Effect.sleep("300 millis")
        const second = yield* Effect.promise(() => lineServer(lines(500, 800), first.port))
        yield* wait(() => records().length >= 800)
        yield* Effect.sleep("200 millis")
        expect(records()).toEqual(lines(0, 800))
        expect(tracker.errors.some((e) => /Error connecting to 127\.0\.0\.1/.test(e.message))).toBe(true)
        yield* Effect.promise(() => second.kill())
      }))
    expect(receiver.isStopped()).toBe(true)
  }, 30_000)

  it("lineConverter splits on \\n and \\r\\n across chunk boundaries, yields each chunk's lines as one run, keeps a last unterminated line", async () => {
    const chunks = ["a\r", "\nb\n", "", "c\r\n\nd", "é".slice(0, 1), "\ne"].map((s) => new TextEncoder().encode(s))
    async function* source() {
      yield* chunks
    }
    const runs: Array<ReadonlyArray<string>> = []
    for await (const lines of lineConverter(source())) runs.push(lines)
    expect(runs).toEqual([["a", "b"], ["c", ""], ["dé"], ["e"]])
  })

  it("lineConverter keeps characters whose UTF-8 bytes are split across chunks whole", async () => {
    const bytes = new TextEncoder().encode("é😀x\nñ\n")
    // Every way of cutting the bytes in two decodes to the same lines.
    for (let cut = 0; cut <= bytes.length; cut++) {
      async function* source() {
        yield bytes.slice(0, cut)
        yield bytes.slice(cut)
      }
      const lines: Array<string> = []
      for await (const run of lineConverter(source())) lines.push(...run)
      expect(lines).toEqual(["é😀x", "ñ"])
    }
  })
})

describe("RawNetworkReceiver", () => {
  it("stores each length-prefixed frame as one block", async () => {
    const frames = [[1, 2, 3], ["x"], [{ k: 1n }]]
    const server = net.createServer((socket) => {
      socket.on("error", () => undefined)
      const bytes = Buffer.concat(frames.map((records) => {
        const body = v8.serialize(records)
        const header = Buffer.alloc(4)
        header.writeUInt32BE(body.length)
        return Buffer.concat([header, body])
      }))
      for (let i = 0; i < bytes.length; i += 5) socket.write(bytes.subarray(i, i + 5))
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const port = (server.address() as net.AddressInfo).port
    try {
      await supervised(new RawNetworkReceiver("127.0.0.1", port), ({ records, tracker }) =>
        Effect.gen(function*() {
          yield* wait(() => tracker.blocks.length >= 3)
          expect(tracker.blocks.map((b) => b.numRecords)).toEqual([undefined, undefined, undefined])
          expect(records()).toEqual([1, 2, 3, "x", { k: 1n }])
        }))
    } finally {
      server.close()
    }
  }, 30_000)
})
