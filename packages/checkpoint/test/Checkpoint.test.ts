import * as fsp from "node:fs/promises"
import * as path from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Logger, Option } from "effect"
import fc from "fast-check"
import { CheckpointFile, CheckpointReader, CheckpointWriter, FileSystem } from "../src/index.js"
import { crc32 } from "../src/internal/crc32.js"
import { bytesOf, tempDir, textOf } from "./utils/tempDir.js"

const provideFs = Effect.provide(FileSystem.layerLocal)
const ls = (dir: string) => Effect.promise(async () => (await fsp.readdir(dir)).sort())

describe("CheckpointFile", () => {
  it.effect("writeAtomic then read returns the bytes; no temp file is left", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const p = yield* CheckpointFile.writeAtomic(dir, "part-00000", bytesOf("rdd partition"))
      assert.strictEqual(p, path.join(dir, "part-00000"))
      assert.strictEqual(textOf(yield* CheckpointFile.read(p)), "rdd partition")
      assert.deepStrictEqual(yield* ls(dir), ["part-00000"])
      // overwriting is atomic too
      yield* CheckpointFile.writeAtomic(dir, "part-00000", bytesOf("v2"))
      assert.strictEqual(textOf(yield* CheckpointFile.read(p)), "v2")
    }).pipe(provideFs))

  it.effect("any truncation or flipped byte is detected, never returned as data (property)", () =>
    Effect.promise(() =>
      fc.assert(
        fc.asyncProperty(
          fc.uint8Array({ maxLength: 200 }),
          fc.nat(),
          fc.boolean(),
          fc.integer({ min: 1, max: 255 }),
          async (data, pos, truncate, mask) => {
            const framed = new Uint8Array(CheckpointFile.encode(data).reduce((n, c) => n + c.length, 0))
            let at = 0
            for (const c of CheckpointFile.encode(data)) {
              framed.set(c, at)
              at += c.length
            }
            const ok = await Effect.runPromise(CheckpointFile.decode("mem", framed))
            assert.deepStrictEqual(ok, data)
            const damaged = truncate ? framed.subarray(0, pos % framed.length) : framed.slice()
            if (!truncate) damaged[pos % framed.length] ^= mask
            const r = await Effect.runPromise(Effect.result(CheckpointFile.decode("mem", damaged)))
            assert.strictEqual(r._tag, "Failure")
          }
        ),
        { numRuns: 500 }
      )
    ))

  it.effect("a file from a newer format version fails with UnsupportedFormatVersionError", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const p = yield* CheckpointFile.writeAtomic(dir, "f", bytesOf("x"))
      const bytes = new Uint8Array(yield* Effect.promise(() => fsp.readFile(p)))
      bytes[4] = 7
      new DataView(bytes.buffer).setUint32(20, crc32(bytes, 0, 20), true)
      yield* Effect.promise(() => fsp.writeFile(p, bytes))
      const err = yield* Effect.flip(CheckpointFile.read(p))
      assert.strictEqual(err._tag, "UnsupportedFormatVersionError")
      assert.match(err.message, /version 7/)
    }).pipe(provideFs))
})

describe("CheckpointWriter", () => {
  it.effect("writes checkpoint-<time> files in order, keeps a .bk of a rewritten time, keeps the newest N", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const writer = yield* CheckpointWriter.make({ directory: dir, keep: 2 })
      for (const t of [1000, 2000]) yield* writer.write(bytesOf(`c${t}`), t)
      const again = yield* writer.writeAndAwait(bytesOf("c2000-again"), 2000)
      assert.strictEqual(again._tag, "Written")
      assert.deepStrictEqual(yield* ls(dir), ["checkpoint-1000", "checkpoint-2000", "checkpoint-2000.bk"])
      yield* writer.writeAndAwait(bytesOf("c3000"), 3000)
      assert.deepStrictEqual(yield* ls(dir), ["checkpoint-2000", "checkpoint-2000.bk", "checkpoint-3000"])
      const read = yield* CheckpointReader.read(dir)
      assert.strictEqual(Option.getOrThrow(read.checkpoint).time, 3000)
      assert.strictEqual(textOf(Option.getOrThrow(read.checkpoint).data), "c3000")
    }).pipe(provideFs))

  it.effect("an older checkpoint never replaces a newer one", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const writer = yield* CheckpointWriter.make({ directory: dir })
      yield* writer.writeAndAwait(bytesOf("new"), 5000)
      const outcome = yield* writer.writeAndAwait(bytesOf("old"), 4000)
      assert.deepStrictEqual(outcome, { _tag: "Skipped", time: 4000, newer: 5000 })
      assert.deepStrictEqual(yield* ls(dir), ["checkpoint-5000"])
      // also across restarts: a new writer learns the newest time from the directory
      yield* writer.close
      const writer2 = yield* CheckpointWriter.make({ directory: dir })
      assert.strictEqual((yield* writer2.writeAndAwait(bytesOf("old"), 4500))._tag, "Skipped")
    }).pipe(provideFs))

  it.effect("close finishes the queued checkpoints in order", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const writer = yield* CheckpointWriter.make({ directory: dir, keep: 100 })
      for (let t = 1; t <= 20; t++) yield* writer.write(bytesOf(`c${t}`), t * 100)
      yield* writer.close
      assert.strictEqual((yield* ls(dir)).length, 20)
      assert.strictEqual((yield* Effect.flip(writer.write(bytesOf("late"), 9999)))._tag, "LogClosedError")
    }).pipe(provideFs))

  it.effect("a missing directory fails with DirectoryNotFoundError; keep < 1 with InvalidOptionError", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const e1 = yield* Effect.flip(CheckpointWriter.make({ directory: path.join(dir, "missing") }))
      assert.strictEqual(e1._tag, "DirectoryNotFoundError")
      const e2 = yield* Effect.flip(CheckpointWriter.make({ directory: dir, keep: 0 }))
      assert.strictEqual(e2._tag, "InvalidOptionError")
    }).pipe(provideFs))
})

/** A directory holding checkpoints written at `times`. */
const setup = (times: ReadonlyArray<number>) =>
  Effect.gen(function*() {
    const dir = yield* tempDir()
    const writer = yield* CheckpointWriter.make({ directory: dir })
    for (const t of times) yield* writer.writeAndAwait(bytesOf(`c${t}`), t)
    yield* writer.close
    return dir
  })

describe("CheckpointReader", () => {
  it.effect("an empty or missing directory has no checkpoint", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      assert.isTrue(Option.isNone((yield* CheckpointReader.read(dir)).checkpoint))
      assert.isTrue(Option.isNone((yield* CheckpointReader.read(path.join(dir, "nope"))).checkpoint))
    }).pipe(provideFs))

  it.effect("newest truncated: falls back to the next newest valid one and reports the skip", () =>
    Effect.gen(function*() {
      const dir = yield* setup([1000, 2000, 3000])
      yield* Effect.promise(() => fsp.truncate(path.join(dir, "checkpoint-3000"), 30))
      const r = yield* CheckpointReader.read(dir)
      assert.strictEqual(textOf(Option.getOrThrow(r.checkpoint).data), "c2000")
      assert.strictEqual(r.skipped.length, 1)
      assert.strictEqual(r.skipped[0]!.path, path.join(dir, "checkpoint-3000"))
      assert.match(r.skipped[0]!.reason, /truncated/)
    }).pipe(provideFs))

  it.effect("newest two corrupted: falls back twice, reporting each", () =>
    Effect.gen(function*() {
      const dir = yield* setup([1000, 2000, 3000])
      for (const t of [3000, 2000]) {
        const p = path.join(dir, `checkpoint-${t}`)
        const b = yield* Effect.promise(() => fsp.readFile(p))
        b[b.length - 1] ^= 0xff
        yield* Effect.promise(() => fsp.writeFile(p, b))
      }
      const r = yield* CheckpointReader.read(dir)
      assert.strictEqual(Option.getOrThrow(r.checkpoint).time, 1000)
      assert.deepStrictEqual(r.skipped.map((s) => [path.basename(s.path), s.reason]), [
        ["checkpoint-3000", "data checksum mismatch"],
        ["checkpoint-2000", "data checksum mismatch"]
      ])
    }).pipe(provideFs))

  it.effect("a corrupted main file falls back to its .bk", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const writer = yield* CheckpointWriter.make({ directory: dir })
      yield* writer.writeAndAwait(bytesOf("first"), 1000)
      yield* writer.writeAndAwait(bytesOf("second"), 1000)
      yield* Effect.promise(() => fsp.writeFile(path.join(dir, "checkpoint-1000"), "garbage"))
      const r = yield* CheckpointReader.read(dir)
      assert.strictEqual(Option.getOrThrow(r.checkpoint).path, path.join(dir, "checkpoint-1000.bk"))
      assert.strictEqual(textOf(Option.getOrThrow(r.checkpoint).data), "first")
    }).pipe(provideFs))

  it.effect("a file renamed to another time is skipped", () =>
    Effect.gen(function*() {
      const dir = yield* setup([1000, 2000])
      yield* Effect.promise(() => fsp.copyFile(path.join(dir, "checkpoint-1000"), path.join(dir, "checkpoint-9000")))
      const r = yield* CheckpointReader.read(dir)
      assert.strictEqual(Option.getOrThrow(r.checkpoint).time, 2000)
      assert.match(r.skipped[0]!.reason, /name says 9000/)
    }).pipe(provideFs))
})

describe("CheckpointReader fallback past unreadable entries", () => {
  it.effect("a directory, a truncated file, a bad checksum, a renamed file and an empty file are each skipped with a typed kind", () =>
    Effect.gen(function*() {
      const dir = yield* setup([1000, 2000, 3000, 4000])
      yield* Effect.promise(async () => {
        await fsp.mkdir(path.join(dir, "checkpoint-9000"))
        await fsp.writeFile(path.join(dir, "checkpoint-9000", "inner"), "x")
        await fsp.copyFile(path.join(dir, "checkpoint-1000"), path.join(dir, "checkpoint-8000"))
        await fsp.writeFile(path.join(dir, "checkpoint-7000"), "")
        await fsp.truncate(path.join(dir, "checkpoint-4000"), 30)
        const p = path.join(dir, "checkpoint-3000")
        const b = await fsp.readFile(p)
        b[30] ^= 0x01
        await fsp.writeFile(p, b)
      })
      const logs: Array<string> = []
      const logger = Logger.make<unknown, void>(({ logLevel, message }) => {
        if (logLevel === "Warn") logs.push(String(Array.isArray(message) ? message.join(" ") : message))
      })
      const r = yield* CheckpointReader.read(dir).pipe(Effect.provide(Logger.layer([logger])))
      assert.strictEqual(textOf(Option.getOrThrow(r.checkpoint).data), "c2000")
      assert.deepStrictEqual(r.skipped.map((s) => [path.basename(s.path), s.kind]), [
        ["checkpoint-9000", "NotAFile"],
        ["checkpoint-8000", "TimeMismatch"],
        ["checkpoint-7000", "Corrupt"],
        ["checkpoint-4000", "Corrupt"],
        ["checkpoint-3000", "Corrupt"]
      ])
      assert.match(r.skipped[3]!.reason, /truncated/)
      assert.match(r.skipped[4]!.reason, /checksum mismatch/)
      assert.strictEqual(logs.length, 5)
      assert.match(logs[0]!, /checkpoint-9000 \(NotAFile\): a directory/)
    }).pipe(provideFs))

  it.effect("only unreadable entries: no checkpoint, every one reported", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      yield* Effect.promise(() => fsp.mkdir(path.join(dir, "checkpoint-5000.bk")))
      yield* Effect.promise(() => fsp.writeFile(path.join(dir, "checkpoint-5000"), "garbage that is not a frame at all"))
      const r = yield* CheckpointReader.read(dir)
      assert.isTrue(Option.isNone(r.checkpoint))
      assert.deepStrictEqual(r.skipped.map((s) => s.kind), ["Corrupt", "NotAFile"])
    }).pipe(provideFs))
})

describe("CheckpointWriter next to unreadable entries", () => {
  it.effect("a directory or a damaged file with a newer checkpoint's name neither blocks later writes nor breaks retention", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      yield* Effect.promise(async () => {
        await fsp.mkdir(path.join(dir, "checkpoint-90000"))
        await fsp.writeFile(path.join(dir, "checkpoint-80000"), "not a checkpoint")
      })
      const writer = yield* CheckpointWriter.make({ directory: dir, keep: 2 })
      for (const t of [1000, 2000, 3000]) assert.strictEqual((yield* writer.writeAndAwait(bytesOf(`c${t}`), t))._tag, "Written")
      yield* writer.close
      // the newest two times written are kept; the unreadable newer entries are left alone and take no slot
      assert.deepStrictEqual(yield* ls(dir), ["checkpoint-2000", "checkpoint-3000", "checkpoint-80000", "checkpoint-90000"])
      const r = yield* CheckpointReader.read(dir)
      assert.strictEqual(textOf(Option.getOrThrow(r.checkpoint).data), "c3000")
      assert.deepStrictEqual(r.skipped.map((s) => s.kind), ["NotAFile", "Corrupt"])
    }).pipe(provideFs))
})
