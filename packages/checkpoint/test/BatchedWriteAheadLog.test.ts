import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Fiber } from "effect"
import fc from "fast-check"
import { BatchedWriteAheadLog, FileSystem, FileWriteAheadLog, type WriteAheadLog } from "../src/index.js"
import { bytesOf, tempDir, textOf } from "./utils/tempDir.js"

/** An in-memory inner log that records batch sizes; the first batch waits on `gate`. */
const stubLog = (gate: Deferred.Deferred<void>) => {
  const batches: Array<number> = []
  const stored: Array<Uint8Array> = []
  const log: WriteAheadLog.WriteAheadLog["Service"] = {
    maxRecordBytes: 100,
    write: () => Effect.die("unused"),
    writeBatch: (records) =>
      Effect.gen(function*() {
        if (batches.length === 0) yield* Deferred.await(gate)
        batches.push(records.length)
        return records.map((r) => {
          stored.push(r)
          return { path: "mem", offset: stored.length - 1, length: r.length }
        })
      }),
    read: (h) => Effect.succeed(stored[h.offset]!),
    readAll: Effect.sync(() => ({
      records: stored.map((data, offset) => ({ handle: { path: "mem", offset, length: data.length }, data })),
      problems: []
    })),
    clean: () => Effect.void,
    close: Effect.void
  }
  return { log, batches }
}

describe("BatchedWriteAheadLog", () => {
  it.effect("writers queued behind a batch in flight are written as one batch, each with its own handle", () =>
    Effect.gen(function*() {
      const gate = yield* Deferred.make<void>()
      const { batches, log: inner } = stubLog(gate)
      const log = yield* BatchedWriteAheadLog.make(inner)
      const first = yield* Effect.forkChild(log.write(bytesOf("w0"), 0))
      yield* Effect.yieldNow
      const rest = yield* Effect.forEach(
        Array.from({ length: 15 }, (_, i) => i + 1),
        (i) => Effect.forkChild(log.write(bytesOf(`w${i}`), i))
      )
      yield* Effect.yieldNow
      yield* Deferred.succeed(gate, undefined)
      const handles = yield* Effect.forEach([first, ...rest], Fiber.join)
      assert.deepStrictEqual(batches, [1, 15])
      assert.deepStrictEqual(handles.map((h) => h.offset), Array.from({ length: 16 }, (_, i) => i))
      assert.deepStrictEqual(
        yield* Effect.forEach(handles, (h) => Effect.map(log.read(h), textOf)),
        Array.from({ length: 16 }, (_, i) => `w${i}`)
      )
    }))

  it.effect("a record over the inner log's limit fails alone, before it is queued", () =>
    Effect.gen(function*() {
      const gate = yield* Deferred.make<void>()
      yield* Deferred.succeed(gate, undefined)
      const { log: inner } = stubLog(gate)
      const log = yield* BatchedWriteAheadLog.make(inner)
      const err = yield* Effect.flip(log.write(new Uint8Array(101), 0))
      assert.strictEqual(err._tag, "RecordTooLargeError")
      yield* log.write(new Uint8Array(100), 0)
    }))

  it.effect("maxBatchBytes splits a batch", () =>
    Effect.gen(function*() {
      const gate = yield* Deferred.make<void>()
      const { batches, log: inner } = stubLog(gate)
      const log = yield* BatchedWriteAheadLog.make(inner, { maxBatchBytes: 25 })
      const first = yield* Effect.forkChild(log.write(new Uint8Array(10), 0))
      yield* Effect.yieldNow
      const rest = yield* Effect.forEach([1, 2, 3, 4], () => Effect.forkChild(log.write(new Uint8Array(10), 0)))
      yield* Effect.yieldNow
      yield* Deferred.succeed(gate, undefined)
      yield* Effect.forEach([first, ...rest], Fiber.join)
      assert.deepStrictEqual(batches, [1, 2, 2])
    }))

  it.effect("close fails writes still queued with LogClosedError", () =>
    Effect.gen(function*() {
      const gate = yield* Deferred.make<void>()
      const { log: inner } = stubLog(gate)
      const log = yield* BatchedWriteAheadLog.make(inner)
      const first = yield* Effect.forkChild(log.write(bytesOf("in flight"), 0))
      yield* Effect.yieldNow
      const queued = yield* Effect.forkChild(log.write(bytesOf("queued"), 0))
      yield* Effect.yieldNow
      yield* log.close
      yield* Deferred.succeed(gate, undefined)
      const err = yield* Effect.flip(Fiber.join(queued))
      assert.strictEqual(err._tag, "LogClosedError")
      yield* Fiber.join(first)
      assert.strictEqual((yield* Effect.flip(log.write(bytesOf("late"), 0)))._tag, "LogClosedError")
    }))

  it.live("over a file log: concurrent writers all read back, by handle and by readAll (property)", () =>
    Effect.promise(() =>
      fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(fc.string({ maxLength: 40 }), { minLength: 1, maxLength: 20 }), { minLength: 1, maxLength: 4 }),
          (rounds) =>
            Effect.runPromise(
              Effect.gen(function*() {
                const dir = yield* tempDir("tspark-batched-")
                const file = yield* FileWriteAheadLog.make({ directory: dir, rollingIntervalMillis: 10 })
                const log = yield* BatchedWriteAheadLog.make(file)
                const written: Array<{ text: string; handle: WriteAheadLog.RecordHandle }> = []
                let t = 0
                for (const round of rounds) {
                  t += 7
                  const hs = yield* Effect.forEach(round, (s) => log.write(bytesOf(s), t), { concurrency: "unbounded" })
                  round.forEach((s, i) => written.push({ text: s, handle: hs[i]! }))
                }
                for (const w of written) assert.strictEqual(textOf(yield* log.read(w.handle)), w.text)
                const all = yield* log.readAll
                const key = (h: WriteAheadLog.RecordHandle) => `${h.path}:${h.offset}`
                const byKey = new Map(written.map((w) => [key(w.handle), w.text]))
                assert.strictEqual(all.records.length, written.length)
                for (const r of all.records) assert.strictEqual(textOf(r.data), byKey.get(key(r.handle)))
                // write order: each round's records come after the previous round's
                const pos = new Map(all.records.map((r, i) => [key(r.handle), i]))
                let end = 0
                let prevMax = -1
                for (const round of rounds) {
                  const idx = written.slice(end, end + round.length).map((w) => pos.get(key(w.handle))!)
                  assert.isAbove(Math.min(...idx), prevMax)
                  prevMax = Math.max(...idx)
                  end += round.length
                }
              }).pipe(Effect.scoped, Effect.provide(FileSystem.layerLocal))
            )
        ),
        { numRuns: 40 }
      )
    ))
})
