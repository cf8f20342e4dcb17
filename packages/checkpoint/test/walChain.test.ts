/**
 * Format version 2: segments chain to each other (sequence number, previous
 * segment's final chain value) and frames to each other (link), so
 * deletion, reordering, truncation at a frame boundary and replacement of
 * segments are reported; resynchronisation never lands inside a payload;
 * version 1 files are still read.
 */
import * as fsp from "node:fs/promises"
import * as path from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import fc from "fast-check"
import { FileSystem, FileWriteAheadLog, WriteAheadLog } from "../src/index.js"
import * as format from "../src/internal/walFormat.js"
import { bytesOf, tempDir, textOf } from "./utils/tempDir.js"

const provideFs = Effect.provide(FileSystem.layerLocal)
const ROLL = 10

interface Written {
  readonly handle: WriteAheadLog.RecordHandle
  readonly data: Uint8Array
}

/** A closed log of `segments` segments of `perSegment` records each; returns the records and the segment paths in order. */
const build = (dir: string, segments: number, perSegment: number, payload: (i: number, dir: string) => Promise<Uint8Array>) =>
  Effect.gen(function*() {
    const written: Array<Written> = []
    yield* Effect.scoped(Effect.gen(function*() {
      const log = yield* FileWriteAheadLog.make({ directory: dir, rollingIntervalMillis: ROLL, durability: WriteAheadLog.none })
      for (let s = 0; s < segments; s++) {
        for (let r = 0; r < perSegment; r++) {
          const data = yield* Effect.promise(() => payload(written.length, dir))
          written.push({ handle: yield* log.write(data, s * ROLL), data })
        }
      }
    }))
    const paths = [...new Set(written.map((w) => w.handle.path))]
    return { written, paths }
  })

const text = (i: number) => Promise.resolve(bytesOf(`record-${i}`))
const readAll = (dir: string) => FileWriteAheadLog.readDirectory(dir)
const chainProblems = (all: WriteAheadLog.ReadAllResult) => all.problems.filter((p) => p._tag === "BrokenChain")

/** Every record returned is one that was written, at the handle it was written at. */
const assertNoPhantoms = (all: WriteAheadLog.ReadAllResult, written: ReadonlyArray<Written>) => {
  const byKey = new Map(written.map((w) => [`${w.handle.path}:${w.handle.offset}`, w.data]))
  for (const r of all.records) {
    const data = byKey.get(`${r.handle.path}:${r.handle.offset}`)
    assert.isDefined(data, `phantom record at ${r.handle.path}:${r.handle.offset}`)
    assert.deepStrictEqual(r.data, data)
  }
}

describe("WAL format version 2", () => {
  it.effect("an intact log reads back with no problem, and a reopened log continues the chain", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const { written } = yield* build(dir, 3, 2, text)
      const more = yield* build(dir, 1, 1, () => text(99))
      const all = yield* readAll(dir)
      assert.deepStrictEqual(all.problems, [])
      assert.deepStrictEqual(all.records.map((r) => textOf(r.data)), [...written, ...more.written].map((w) => textOf(w.data)))
    }).pipe(provideFs))

  it.effect("version 1 files written by the old encoder are still read, before the version 2 segments after them", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const v1 = [format.encodeFrame([bytesOf("v1-a"), bytesOf("v1-b")]), format.encodeFrame([bytesOf("v1-c")])]
      const bytes = new Uint8Array(v1[0]!.length + v1[1]!.length)
      bytes.set(v1[0]!, 0)
      bytes.set(v1[1]!, v1[0]!.length)
      assert.strictEqual(bytes[4], 1)
      yield* Effect.promise(() => fsp.writeFile(path.join(dir, "log-0-5"), bytes))
      yield* build(dir, 1, 1, () => text(7))
      const all = yield* readAll(dir)
      assert.deepStrictEqual(all.problems, [])
      assert.deepStrictEqual(all.records.map((r) => textOf(r.data)), ["v1-a", "v1-b", "v1-c", "record-7"])
    }).pipe(provideFs))

  it.effect("a deleted middle segment is reported at the segment after the gap", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const { paths } = yield* build(dir, 4, 2, text)
      yield* Effect.promise(() => fsp.rm(paths[1]!))
      const problems = chainProblems(yield* readAll(dir))
      assert.strictEqual(problems.length, 1)
      assert.strictEqual(problems[0]!.path, paths[2])
      assert.strictEqual(problems[0]!.offset, 0)
      assert.match(problems[0]!._tag === "BrokenChain" ? problems[0]!.reason : "", /1 segment\(s\) between them are missing/)
    }).pipe(provideFs))

  it.effect("two swapped segments are reported as out of order", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const { paths } = yield* build(dir, 4, 2, text)
      yield* Effect.promise(async () => {
        const tmp = path.join(dir, "swap")
        await fsp.rename(paths[1]!, tmp)
        await fsp.rename(paths[2]!, paths[1]!)
        await fsp.rename(tmp, paths[2]!)
      })
      const reasons = chainProblems(yield* readAll(dir)).map((p) => p._tag === "BrokenChain" ? p.reason : "")
      assert.isTrue(reasons.some((r) => /out of order/.test(r)), reasons.join("; "))
    }).pipe(provideFs))

  it.effect("a truncation exactly at a frame boundary of a segment that is not the last is reported", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const { paths, written } = yield* build(dir, 3, 3, text)
      // cut the middle segment after its second frame: what is left parses cleanly on its own
      const second = written.filter((w) => w.handle.path === paths[1])[1]!
      yield* Effect.promise(() => fsp.truncate(paths[1]!, second.handle.offset + second.handle.length))
      const all = yield* readAll(dir)
      assert.deepStrictEqual(all.problems.filter((p) => p._tag !== "BrokenChain"), [])
      const problems = chainProblems(all)
      assert.strictEqual(problems.length, 1)
      assert.strictEqual(problems[0]!.path, paths[2])
      assert.match(problems[0]!._tag === "BrokenChain" ? problems[0]!.reason : "", /truncated at a frame boundary, or replaced/)
    }).pipe(provideFs))

  it.effect("a segment replaced by one of another log is reported", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const other = yield* tempDir()
      const { paths } = yield* build(dir, 3, 2, text)
      const o = yield* build(other, 3, 2, (i) => text(100 + i))
      yield* Effect.promise(() => fsp.copyFile(o.paths[1]!, paths[1]!))
      const problems = chainProblems(yield* readAll(dir))
      assert.deepStrictEqual(problems.map((p) => p.path), [paths[1], paths[2]])
    }).pipe(provideFs))

  it.effect("a torn tail of the last segment after a crash is a torn tail, and everything before it is returned", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const { paths, written } = yield* build(dir, 2, 3, text)
      const last = written[written.length - 1]!
      yield* Effect.promise(() => fsp.truncate(paths[1]!, last.handle.offset + 2))
      const all = yield* readAll(dir)
      assert.deepStrictEqual(all.problems.map((p) => p._tag), ["TornTail"])
      assert.strictEqual(all.records.length, written.length - 1)
      // the log reopened after the crash continues from the torn segment without a chain problem
      yield* build(dir, 1, 1, () => text(50)).pipe(Effect.provide(FileSystem.layerLocal))
      assert.deepStrictEqual((yield* readAll(dir)).problems.map((p) => p._tag), ["TornTail"])
    }).pipe(provideFs))

  it.live("property: records whose payloads hold log frames never come back as phantom records, whatever byte is damaged", () =>
    Effect.gen(function*() {
      const root = yield* tempDir()
      let run = 0
      // payloads: copies of the log's own bytes so far (real frames with real links), or freshly encoded frames
      const nested = async (i: number, dir: string) => {
        const files = (await fsp.readdir(dir)).filter((n) => n.startsWith("log-")).sort()
        if (i % 2 === 0 && files.length > 0) return new Uint8Array(await fsp.readFile(path.join(dir, files[files.length - 1]!)))
        return format.encodeFrame([bytesOf(`inner-${i}`), bytesOf("x")], i)
      }
      yield* Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(fc.nat(), fc.integer({ min: 1, max: 255 }), fc.nat(), async (pick, xor, at) => {
            const dir = path.join(root, `r${run++}`)
            await fsp.mkdir(dir)
            const { written, paths } = await Effect.runPromise(build(dir, 2, 4, nested).pipe(provideFs))
            const file = paths[pick % paths.length]!
            const bytes = await fsp.readFile(file)
            bytes[at % bytes.length] ^= xor
            await fsp.writeFile(file, bytes)
            const all = await Effect.runPromise(readAll(dir).pipe(provideFs))
            assertNoPhantoms(all, written)
            assert.isAbove(all.problems.length, 0)
          }),
          { numRuns: Number(process.env["WAL_PROP_RUNS"] ?? 80) }
        )
      )
    }).pipe(Effect.scoped, provideFs))

  it.live("property: random corruptions (deletion, reordering, frame-boundary truncation, byte flips) are all reported", () =>
    Effect.gen(function*() {
      const root = yield* tempDir()
      let run = 0
      const damage = fc.oneof(
        fc.record({ kind: fc.constant("delete" as const), seg: fc.nat() }),
        fc.record({ kind: fc.constant("swap" as const), seg: fc.nat() }),
        fc.record({ kind: fc.constant("truncate" as const), seg: fc.nat(), frame: fc.nat() }),
        fc.record({ kind: fc.constant("flip" as const), seg: fc.nat(), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) })
      )
      yield* Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(damage, fc.integer({ min: 3, max: 5 }), async (d, segments) => {
            const dir = path.join(root, `r${run++}`)
            await fsp.mkdir(dir)
            const { written, paths } = await Effect.runPromise(build(dir, segments, 3, text).pipe(provideFs))
            // deletion of the first segment is what clean does, and a frame-boundary truncation of the last
            // one is what a crash before the write does: neither is detectable, so damage the middle
            const middle = 1 + (d.seg % (segments - 2))
            const target = paths[middle]!
            switch (d.kind) {
              case "delete":
                await fsp.rm(target)
                break
              case "swap": {
                const other = paths[middle + 1]!
                await fsp.rename(target, `${target}.tmp`)
                await fsp.rename(other, target)
                await fsp.rename(`${target}.tmp`, other)
                break
              }
              case "truncate": {
                const frames = written.filter((w) => w.handle.path === target)
                const keep = d.frame % frames.length
                const cut = keep === 0 ? 32 : frames[keep - 1]!.handle.offset + frames[keep - 1]!.handle.length
                await fsp.truncate(target, cut)
                break
              }
              case "flip": {
                const bytes = await fsp.readFile(target)
                bytes[d.at % bytes.length] ^= d.xor
                await fsp.writeFile(target, bytes)
                break
              }
            }
            const all = await Effect.runPromise(readAll(dir).pipe(provideFs))
            assert.isAbove(all.problems.length, 0, `${d.kind} of segment ${middle} was not reported`)
            // problems name the damaged segment or the ones right after it (a swap moves two)
            const near = paths.slice(middle, middle + (d.kind === "swap" ? 3 : 2))
            for (const p of all.problems) assert.include(near, p.path)
            if (d.kind !== "swap") assertNoPhantoms(all, written)
            else {
              // swapped files hold each other's records: every record returned was written, none invented
              const texts = new Set(written.map((w) => textOf(w.data)))
              for (const r of all.records) assert.isTrue(texts.has(textOf(r.data)))
            }
          }),
          { numRuns: Number(process.env["WAL_PROP_RUNS"] ?? 100) }
        )
      )
    }).pipe(Effect.scoped, provideFs))
})
