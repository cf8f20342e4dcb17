import * as fsp from "node:fs/promises"
import * as path from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Layer } from "effect"
import fc from "fast-check"
import { TestClock } from "effect/testing"
import { Errors, FileSystem, FileWriteAheadLog, Serializer, WriteAheadLog } from "../src/index.js"
import { bytesOf, tempDir, textOf } from "./utils/tempDir.js"

const provideFs = Effect.provide(FileSystem.layerLocal)

describe("FileWriteAheadLog", () => {
  it.effect("writes, reads by handle and reads all in write order", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const log = yield* FileWriteAheadLog.make({ directory: dir, rollingIntervalMillis: 1000 })
      const h1 = yield* log.write(bytesOf("one"), 0)
      const h2 = yield* log.write(bytesOf("two"), 500)
      const h3 = yield* log.write(bytesOf("three"), 1500) // rolls
      assert.strictEqual(h1.path, h2.path)
      assert.notStrictEqual(h2.path, h3.path)
      assert.strictEqual(path.basename(h1.path), "log-0-1000")
      assert.strictEqual(path.basename(h3.path), "log-1500-2500")
      assert.strictEqual(textOf(yield* log.read(h2)), "two")
      const all = yield* log.readAll
      assert.deepStrictEqual(all.records.map((r) => textOf(r.data)), ["one", "two", "three"])
      assert.deepStrictEqual(all.records.map((r) => r.handle), [h1, h2, h3])
      assert.deepStrictEqual(all.problems, [])
    }).pipe(provideFs))

  it.effect("writeBatch stores one frame and returns one handle per record", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const log = yield* FileWriteAheadLog.make({ directory: dir })
      const hs = yield* log.writeBatch([bytesOf("a"), bytesOf(""), bytesOf("ccc")], 0)
      assert.strictEqual(hs.length, 3)
      assert.deepStrictEqual(yield* Effect.forEach(hs, (h) => Effect.map(log.read(h), textOf)), ["a", "", "ccc"])
      const all = yield* log.readAll
      assert.deepStrictEqual(all.records.map((r) => textOf(r.data)), ["a", "", "ccc"])
    }).pipe(provideFs))

  it.effect("clean deletes whole old files, never the active one", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const log = yield* FileWriteAheadLog.make({ directory: dir, rollingIntervalMillis: 100 })
      const h0 = yield* log.write(bytesOf("t0"), 0)
      yield* log.write(bytesOf("t150"), 150)
      const h3 = yield* log.write(bytesOf("t300"), 300)
      yield* log.clean(1_000_000, true)
      // only the active file survives, even though its end (400) < threshold
      const names = yield* Effect.promise(() => fsp.readdir(dir))
      assert.deepStrictEqual(names, ["log-300-400"])
      const err = yield* Effect.flip(log.read(h0))
      assert.strictEqual(err._tag, "RecordCleanedError")
      assert.match(err.message, /clean/)
      assert.strictEqual(textOf(yield* log.read(h3)), "t300")
      assert.deepStrictEqual((yield* log.readAll).records.map((r) => textOf(r.data)), ["t300"])
    }).pipe(provideFs))

  it.effect("clean by threshold keeps files ending at or after it", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const log = yield* FileWriteAheadLog.make({ directory: dir, rollingIntervalMillis: 100 })
      yield* log.write(bytesOf("a"), 0) // log-0-100
      yield* log.write(bytesOf("b"), 100) // log-100-200
      yield* log.write(bytesOf("c"), 200) // log-200-300
      yield* log.clean(150, true)
      assert.deepStrictEqual((yield* log.readAll).records.map((r) => textOf(r.data)), ["b", "c"])
    }).pipe(provideFs))

  it.effect("clean without waiting runs in the background", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const log = yield* FileWriteAheadLog.make({ directory: dir, rollingIntervalMillis: 100 })
      yield* log.write(bytesOf("a"), 0)
      yield* log.write(bytesOf("b"), 100)
      yield* log.clean(150, false)
      // let the background fiber finish its file-system calls
      for (let i = 0; i < 50; i++) {
        const names = yield* Effect.promise(() => fsp.readdir(dir))
        if (names.length === 1) break
        yield* Effect.promise(() => new Promise((r) => setImmediate(r)))
      }
      assert.deepStrictEqual(yield* Effect.promise(() => fsp.readdir(dir)), ["log-100-200"])
    }).pipe(provideFs))

  it.effect("reopening a directory appends new files after the old ones", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      yield* Effect.scoped(Effect.gen(function*() {
        const log = yield* FileWriteAheadLog.make({ directory: dir })
        yield* log.write(bytesOf("first"), 0)
      }))
      const log = yield* FileWriteAheadLog.make({ directory: dir })
      yield* log.write(bytesOf("second"), 0) // same start time: gets a .1 suffix
      const names = (yield* Effect.promise(() => fsp.readdir(dir))).sort()
      assert.deepStrictEqual(names, ["log-0-60000", "log-0-60000.1"])
      assert.deepStrictEqual((yield* log.readAll).records.map((r) => textOf(r.data)), ["first", "second"])
    }).pipe(provideFs))

  it.effect("group commit completes writes at the next interval on the Clock", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const log = yield* FileWriteAheadLog.make({
        directory: dir,
        durability: WriteAheadLog.groupCommit("10 millis")
      })
      const fibers = yield* Effect.forEach([0, 1, 2], (i) => Effect.forkChild(log.write(bytesOf(`r${i}`), 0)))
      // wait (on real I/O, not on time) until the three frames are appended
      while ((yield* FileWriteAheadLog.readDirectory(dir)).records.length < 3) {
        yield* Effect.promise(() => new Promise((r) => setImmediate(r)))
      }
      // appended, but nothing completes before the commit interval elapses
      for (const f of fibers) assert.isUndefined(f.pollUnsafe())
      yield* TestClock.adjust("10 millis")
      const handles = yield* Effect.forEach(fibers, Fiber.join)
      assert.deepStrictEqual(yield* Effect.forEach(handles, (h) => Effect.map(log.read(h), textOf)), ["r0", "r1", "r2"])
    }).pipe(provideFs))

  it.effect("no-sync and fsync policies write the same records", () =>
    Effect.gen(function*() {
      for (const durability of [WriteAheadLog.none, WriteAheadLog.sync("fsync"), WriteAheadLog.sync("fdatasync")]) {
        const dir = yield* tempDir()
        const log = yield* FileWriteAheadLog.make({ directory: dir, durability })
        yield* log.write(bytesOf("x"), 0)
        assert.deepStrictEqual((yield* log.readAll).records.map((r) => textOf(r.data)), ["x"])
      }
    }).pipe(provideFs))

  it.effect("typed logs encode through a serializer", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const log = WriteAheadLog.typed(yield* FileWriteAheadLog.make({ directory: dir }), Serializer.json<{ id: number }>())
      const h = yield* log.write({ id: 7 }, 0)
      yield* log.write({ id: 8 }, 1)
      assert.deepStrictEqual(yield* log.read(h), { id: 7 })
      assert.deepStrictEqual((yield* log.readAll).values, [{ id: 7 }, { id: 8 }])
    }).pipe(provideFs))

  it.effect("the layer provides the WriteAheadLog service", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const program = Effect.gen(function*() {
        const log = yield* WriteAheadLog.WriteAheadLog
        const h = yield* log.write(bytesOf("via layer"), 0)
        return textOf(yield* log.read(h))
      })
      const live = FileWriteAheadLog.layer({ directory: dir }).pipe(Layer.provide(FileSystem.layerLocal))
      assert.strictEqual(yield* Effect.provide(program, live), "via layer")
    }))
})

describe("FileWriteAheadLog bad input", () => {
  it.effect("a missing directory fails with DirectoryNotFoundError unless createDirectory", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const missing = path.join(dir, "nope", "wal")
      const err = yield* Effect.flip(FileWriteAheadLog.make({ directory: missing }))
      assert.strictEqual(err._tag, "DirectoryNotFoundError")
      assert.match(err.message, /createDirectory: true/)
      const log = yield* FileWriteAheadLog.make({ directory: missing, createDirectory: true })
      yield* log.write(bytesOf("ok"), 0)
    }).pipe(provideFs))

  it.effect("a path that is not a writable directory fails with DirectoryNotWritableError", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const file = path.join(dir, "plain-file")
      yield* Effect.promise(() => fsp.writeFile(file, "x"))
      const err = yield* Effect.flip(FileWriteAheadLog.make({ directory: file }))
      assert.strictEqual(err._tag, "DirectoryNotWritableError")
      assert.match(err.message, /writable directory/)
    }).pipe(provideFs))

  it.effect("a record over maxRecordBytes fails with RecordTooLargeError and writes nothing", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const log = yield* FileWriteAheadLog.make({ directory: dir, maxRecordBytes: 10 })
      const err = yield* Effect.flip(log.write(new Uint8Array(11), 0))
      assert.strictEqual(err._tag, "RecordTooLargeError")
      assert.match(err.message, /Split the record/)
      yield* log.write(new Uint8Array(10), 0)
      assert.strictEqual((yield* log.readAll).records.length, 1)
    }).pipe(provideFs))

  it.effect("invalid options fail with InvalidOptionError", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const e1 = yield* Effect.flip(FileWriteAheadLog.make({ directory: dir, rollingIntervalMillis: 0 }))
      assert.strictEqual(e1._tag, "InvalidOptionError")
      const e2 = yield* Effect.flip(
        FileWriteAheadLog.make({ directory: dir, durability: WriteAheadLog.groupCommit("0 millis") })
      )
      assert.strictEqual(e2._tag, "InvalidOptionError")
    }).pipe(provideFs))

  it.effect("a segment or a frame from a newer format version fails readAll with UnsupportedFormatVersionError", () =>
    Effect.gen(function*() {
      const { crc32 } = yield* Effect.promise(() => import("../src/internal/crc32.js"))
      for (const [at, crcAt] of [[4, 28], [32 + 4, 32 + 20]] as const) {
        const dir = yield* tempDir()
        const log = yield* FileWriteAheadLog.make({ directory: dir })
        const h = yield* log.write(bytesOf("from the future"), 0)
        yield* log.close
        // rewrite the segment header (at 0) or the frame header (at 32) as version 3, with a valid checksum
        const bytes = new Uint8Array(yield* Effect.promise(() => fsp.readFile(h.path)))
        bytes[at] = 3
        new DataView(bytes.buffer).setUint32(crcAt, crc32(bytes, at - 4, crcAt), true)
        yield* Effect.promise(() => fsp.writeFile(h.path, bytes))
        const err = yield* Effect.flip(FileWriteAheadLog.readDirectory(dir))
        assert.strictEqual(err._tag, "UnsupportedFormatVersionError")
        assert.match(err.message, /version 3.*Upgrade @tspark\/checkpoint/)
      }
    }).pipe(provideFs))

  it.effect("writing after close fails with LogClosedError", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const log = yield* FileWriteAheadLog.make({ directory: dir })
      yield* log.close
      const err = yield* Effect.flip(log.write(bytesOf("late"), 0))
      assert.strictEqual(err._tag, "LogClosedError")
    }).pipe(provideFs))
})

describe("FileWriteAheadLog sync failures", () => {
  it.effect("a failed sync fails the write, and later writes go to a fresh file", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const local = FileSystem.makeLocal()
      let failNext = false
      const flaky: FileSystem.FileSystem["Service"] = {
        ...local,
        createAppend: (p) =>
          Effect.map(local.createAppend(p), (file) => ({
            ...file,
            sync: (mode) =>
              failNext
                ? Effect.sync(() => {
                  failNext = false
                }).pipe(
                  Effect.andThen(Effect.fail(new Errors.FileSystemError({ operation: mode, path: p, code: "EIO", detail: "injected" })))
                )
                : file.sync(mode)
          }))
      }
      const log = yield* FileWriteAheadLog.make({ directory: dir, durability: WriteAheadLog.sync("fsync") }).pipe(
        Effect.provideService(FileSystem.FileSystem, flaky)
      )
      const h1 = yield* log.write(bytesOf("ok"), 0)
      failNext = true
      const err = yield* Effect.flip(log.write(bytesOf("unacknowledged"), 0))
      assert.strictEqual(err._tag, "FileSystemError")
      const h3 = yield* log.write(bytesOf("after"), 0)
      assert.notStrictEqual(h3.path, h1.path)
      const texts = (yield* log.readAll).records.map((r) => textOf(r.data))
      // the failed write may or may not be on disk (at-least-once); the acknowledged ones are
      assert.includeMembers(texts, ["ok", "after"])
    }))
})

describe("FileWriteAheadLog concurrent writers (write combining)", () => {
  it.live("concurrent writes across rolls: every handle reads back, readAll holds each record once (property)", () =>
    Effect.promise(() =>
      fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.string({ maxLength: 30 }), fc.nat(50)), { minLength: 1, maxLength: 60 }),
          fc.constantFrom(WriteAheadLog.none, WriteAheadLog.sync("fdatasync")),
          (writes, durability) =>
            Effect.runPromise(
              Effect.gen(function*() {
                const dir = yield* tempDir("tspark-concurrent-")
                const log = yield* FileWriteAheadLog.make({ directory: dir, rollingIntervalMillis: 10, durability })
                const handles = yield* Effect.forEach(writes, ([s, t]) => log.write(bytesOf(s), t), {
                  concurrency: "unbounded"
                })
                for (let i = 0; i < writes.length; i++) assert.strictEqual(textOf(yield* log.read(handles[i]!)), writes[i]![0])
                const all = yield* log.readAll
                assert.deepStrictEqual(all.problems, [])
                const key = (h: WriteAheadLog.RecordHandle) => `${h.path}:${h.offset}`
                assert.deepStrictEqual(all.records.map((r) => key(r.handle)).sort(), handles.map(key).sort())
              }).pipe(Effect.scoped, Effect.provide(FileSystem.layerLocal))
            )
        ),
        { numRuns: 40 }
      )
    ))
})
