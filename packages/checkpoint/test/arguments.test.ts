/**
 * Every write, clean and read of the logs and the checkpoint writer checks its
 * arguments before touching the disk: a rejected call fails with
 * InvalidArgumentError, creates no file, and the log stays usable (a valid
 * write after it completes and is recovered).
 */
import * as fsp from "node:fs/promises"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import fc from "fast-check"
import {
  BatchedWriteAheadLog,
  CheckpointFile,
  CheckpointReader,
  CheckpointWriter,
  FileSystem,
  FileWriteAheadLog,
  WriteAheadLog
} from "../src/index.js"
import { bytesOf, tempDir, textOf } from "./utils/tempDir.js"

const provideFs = Effect.provide(FileSystem.layerLocal)
const ls = (dir: string) => Effect.promise(async () => (await fsp.readdir(dir)).sort())
/** Calls a typed API with a value outside its type, as an untyped (JavaScript) caller could. */
const untyped = <T>(value: unknown): T => value as T

const BAD_TIMES = [NaN, Infinity, -Infinity, 1e21, -5000, 1.5, -0.5, 2 ** 52 + 2, Number.MAX_VALUE]

describe("WriteAheadLog arguments", () => {
  it.effect("the issue's times (NaN, Infinity, 1e21, -5000, 1.5) are refused; no file; the log stays usable", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const log = yield* FileWriteAheadLog.make({ directory: dir, rollingIntervalMillis: 1000 })
      for (const t of BAD_TIMES) {
        const e = yield* Effect.flip(log.write(bytesOf("x"), t))
        assert.strictEqual(e._tag, "InvalidArgumentError")
        if (e._tag !== "InvalidArgumentError") continue
        assert.strictEqual(e.argument, "time")
        assert.include(e.message, String(t))
        assert.include(e.message, "between 0 and")
        const b = yield* Effect.flip(log.writeBatch([bytesOf("x")], t))
        assert.strictEqual(b._tag, "InvalidArgumentError")
        assert.strictEqual((yield* Effect.flip(log.clean(t, true)))._tag, "InvalidArgumentError")
      }
      assert.deepStrictEqual(yield* ls(dir), [])
      yield* log.write(bytesOf("ok"), 0)
      assert.deepStrictEqual(yield* ls(dir), ["log-0-1000"])
      assert.deepStrictEqual((yield* log.readAll).records.map((r) => textOf(r.data)), ["ok"])
    }).pipe(provideFs))

  it.effect("records must be bytes: write(\"hello\") and write([1,2,3], 1) fail with a typed error, and the log goes on", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const log = yield* FileWriteAheadLog.make({ directory: dir })
      const e1 = yield* Effect.flip(log.write(untyped("hello"), 1))
      assert.strictEqual(e1._tag, "InvalidArgumentError")
      assert.match(e1.message, /record must be bytes \(a Uint8Array or Buffer\), but received the string "hello"/)
      const e2 = yield* Effect.flip(log.write(untyped([1, 2, 3]), 1))
      assert.match(e2.message, /received an array of length 3/)
      const e3 = yield* Effect.flip(log.writeBatch([bytesOf("a"), untyped({ length: 1 })], 1))
      assert.match(e3.message, /records\[1\] must be bytes.*an object of class Object/)
      const e4 = yield* Effect.flip(log.writeBatch(untyped(bytesOf("a")), 1))
      assert.match(e4.message, /records must be an array of bytes.*Uint8Array/)
      assert.deepStrictEqual(yield* ls(dir), [])
      const h = yield* log.write(Buffer.from("buffer"), 2)
      assert.strictEqual(textOf(yield* log.read(h)), "buffer")
      assert.deepStrictEqual((yield* log.readAll).records.map((r) => textOf(r.data)), ["buffer"])
    }).pipe(provideFs))

  it.effect("clean needs a boolean, read needs a handle", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const log = yield* FileWriteAheadLog.make({ directory: dir })
      const h = yield* log.write(bytesOf("kept"), 5)
      assert.strictEqual((yield* Effect.flip(log.clean(0, untyped("yes"))))._tag, "InvalidArgumentError")
      const r = yield* Effect.flip(log.read({ ...h, offset: NaN }))
      assert.strictEqual(r._tag, "InvalidArgumentError")
      assert.match(r.message, /offset: the number NaN/)
      assert.strictEqual((yield* Effect.flip(log.read(untyped(null))))._tag, "InvalidArgumentError")
      assert.strictEqual(textOf(yield* log.read(h)), "kept")
    }).pipe(provideFs))

  it.effect("options are checked at make", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const bad: ReadonlyArray<FileWriteAheadLog.Options> = [
        { directory: dir, rollingIntervalMillis: 1.5 },
        { directory: dir, rollingIntervalMillis: 2 ** 53 },
        { directory: "" },
        { directory: dir, createDirectory: untyped("yes") },
        { directory: dir, durability: untyped({ _tag: "Always" }) },
        { directory: dir, durability: untyped({ _tag: "Sync", mode: "osync" }) }
      ]
      for (const options of bad) {
        assert.strictEqual((yield* Effect.flip(FileWriteAheadLog.make(options)))._tag, "InvalidOptionError")
      }
      const inner = yield* FileWriteAheadLog.make({ directory: dir })
      const e = yield* Effect.flip(BatchedWriteAheadLog.make(inner, { maxBatchBytes: 0.5 }))
      assert.strictEqual(e._tag, "InvalidOptionError")
      assert.deepStrictEqual(yield* ls(dir), [])
    }).pipe(provideFs))

  it.effect("BatchedWriteAheadLog refuses a bad record alone; the records batched around it are written", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const log = yield* BatchedWriteAheadLog.make(yield* FileWriteAheadLog.make({ directory: dir }))
      const results = yield* Effect.forEach(
        [log.write(bytesOf("a"), 1), log.write(untyped("b"), 1), log.write(bytesOf("c"), NaN), log.write(bytesOf("d"), 2)],
        (e) => Effect.result(e),
        { concurrency: "unbounded" }
      )
      assert.deepStrictEqual(results.map((r) => r._tag), ["Success", "Failure", "Failure", "Success"])
      assert.strictEqual((yield* Effect.flip(log.writeBatch([untyped(7)], 1)))._tag, "InvalidArgumentError")
      assert.deepStrictEqual((yield* log.readAll).records.map((r) => textOf(r.data)), ["a", "d"])
    }).pipe(provideFs))

  it.live("property: any invalid time or record fails typed, changes no file, and a valid write after it is recovered", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const log = yield* FileWriteAheadLog.make({ directory: dir, rollingIntervalMillis: 10 })
      const written: Array<string> = []
      let time = 0
      const invalidTime = fc.oneof(
        fc.double().filter((t) => !(Number.isInteger(t) && t >= 0 && t <= WriteAheadLog.MAX_TIME)),
        fc.integer({ max: -1 }),
        fc.constantFrom(2 ** 52 + 1, 1e21, Number.MAX_SAFE_INTEGER),
        fc.anything().filter((v) => typeof v !== "number")
      )
      const invalidRecord = fc.anything().filter((v) => !(v instanceof Uint8Array))
      const call = fc.oneof(
        fc.record({ kind: fc.constant("time" as const), time: invalidTime }),
        fc.record({ kind: fc.constant("record" as const), record: invalidRecord }),
        fc.record({ kind: fc.constant("batch" as const), records: fc.array(invalidRecord, { minLength: 1, maxLength: 3 }) }),
        fc.record({ kind: fc.constant("clean" as const), time: invalidTime })
      )
      yield* Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(call, async (c) => {
            const before = await fsp.readdir(dir)
            const attempt: Effect.Effect<unknown, WriteAheadLog.WriteError | WriteAheadLog.CleanError> = c.kind === "time"
              ? log.write(bytesOf("bad"), untyped(c.time))
              : c.kind === "record"
              ? log.write(untyped(c.record), time)
              : c.kind === "batch"
              ? log.writeBatch([bytesOf("ok"), ...untyped<Array<Uint8Array>>(c.records)], time)
              : log.clean(untyped(c.time), true)
            const error = await Effect.runPromise(Effect.flip(attempt))
            assert.strictEqual(error._tag, "InvalidArgumentError")
            assert.deepStrictEqual((await fsp.readdir(dir)).sort(), before.sort())
            time += 7
            const text = `valid-${written.length}`
            await Effect.runPromise(log.write(bytesOf(text), time))
            written.push(text)
          }),
          { numRuns: 60 }
        )
      )
      assert.deepStrictEqual((yield* log.readAll).records.map((r) => textOf(r.data)), written)
      yield* log.close
      const recovered = yield* FileWriteAheadLog.readDirectory(dir)
      assert.deepStrictEqual(recovered.records.map((r) => textOf(r.data)), written)
    }).pipe(Effect.scoped, provideFs))
})

describe("CheckpointWriter and CheckpointFile arguments", () => {
  it.effect("writeAndAwait(d, NaN | -1 | 1.5) and write(\"x\", 1) are refused, write nothing, and the writer goes on", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const writer = yield* CheckpointWriter.make({ directory: dir })
      for (const t of BAD_TIMES) {
        const e = yield* Effect.flip(writer.writeAndAwait(bytesOf("d"), t))
        assert.strictEqual(e._tag, "InvalidArgumentError")
        assert.strictEqual((yield* Effect.flip(writer.write(bytesOf("d"), t)))._tag, "InvalidArgumentError")
      }
      const e = yield* Effect.flip(writer.write(untyped("x"), 1))
      assert.match(e.message, /data must be bytes.*the string "x"/)
      assert.deepStrictEqual(yield* ls(dir), [])
      const outcome = yield* writer.writeAndAwait(bytesOf("good"), 1000)
      assert.strictEqual(outcome._tag, "Written")
      const read = yield* CheckpointReader.read(dir)
      assert.strictEqual(read.checkpoint._tag === "Some" ? textOf(read.checkpoint.value.data) : "", "good")
      const bad = yield* Effect.flip(CheckpointWriter.make({ directory: dir, createDirectory: untyped(1) }))
      assert.strictEqual(bad._tag, "InvalidOptionError")
    }).pipe(provideFs))

  it.effect("writeAtomic needs a plain file name and bytes", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      for (const name of ["", ".", "..", "a/b", "..\\x", untyped<string>(3)]) {
        const e = yield* Effect.flip(CheckpointFile.writeAtomic(dir, name, bytesOf("x")))
        assert.strictEqual(e._tag, "InvalidArgumentError")
      }
      assert.strictEqual((yield* Effect.flip(CheckpointFile.writeAtomic(dir, "f", untyped([1]))))._tag, "InvalidArgumentError")
      assert.deepStrictEqual(yield* ls(dir), [])
      const p = yield* CheckpointFile.writeAtomic(dir, "f", bytesOf("x"))
      assert.strictEqual(textOf(yield* CheckpointFile.read(p)), "x")
    }).pipe(provideFs))
})
