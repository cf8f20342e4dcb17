/**
 * The fast path: an append that finds no other append in progress writes its
 * frame directly (no queue, no Deferred). These tests pin it against writers
 * that queue behind it, against close and readAll, and against failures: a
 * failed write on the fast path is never acknowledged.
 */
import { assert, describe, it } from "@effect/vitest"
import { Cause, Deferred, Effect, Exit, Fiber, Option } from "effect"
import fc from "fast-check"
import { TestClock } from "effect/testing"
import { Errors, FileSystem, FileWriteAheadLog, WriteAheadLog } from "../src/index.js"
import { bytesOf, tempDir, textOf } from "./utils/tempDir.js"

/**
 * The local file system with appends and syncs that can be held at a gate, and
 * appends or syncs that fail. A failing append first writes part of its first frame's
 * header (a partial frame, as a failed `write` may leave), so none of its
 * records can read back.
 */
interface Gate {
  readonly entered: Deferred.Deferred<void>
  readonly release: Deferred.Deferred<void>
}

const faultyFs = () => {
  const local = FileSystem.makeLocal()
  const state = {
    /** Appends (counted from 0) that fail. */
    failAppends: new Set<number>(),
    /** Syncs (counted from 0) that fail. */
    failSyncs: new Set<number>(),
    appends: 0,
    syncs: 0,
    /** Paths of the syncs that succeeded, in order. */
    synced: [] as Array<string>,
    /** When set, the next append waits for `release` after completing `entered`. */
    gate: undefined as Gate | undefined,
    /** When set, the next sync waits for `release` after completing `entered`. */
    syncGate: undefined as Gate | undefined
  }
  const injected = (operation: string, path: string) => new Errors.FileSystemError({ operation, path, code: "EIO", detail: "injected" })
  const service: FileSystem.FileSystem["Service"] = {
    ...local,
    createAppend: (p) =>
      Effect.map(local.createAppend(p), (file) => ({
        ...file,
        append: (chunks) =>
          Effect.gen(function*() {
            const n = state.appends++
            const gate = state.gate
            if (gate !== undefined) {
              state.gate = undefined
              Deferred.doneUnsafe(gate.entered, Exit.void)
              yield* Deferred.await(gate.release)
            }
            if (!state.failAppends.has(n)) return yield* file.append(chunks)
            // part of the first frame's header (1-23 bytes): no frame of this write is complete
            const first = chunks[0]!
            const cut = Math.min(first.length, 1 + (n * 7) % 23)
            yield* file.append([first.subarray(0, cut)])
            return yield* injected("append", p)
          }),
        sync: (mode) =>
          Effect.gen(function*() {
            const n = state.syncs++
            const gate = state.syncGate
            if (gate !== undefined) {
              state.syncGate = undefined
              Deferred.doneUnsafe(gate.entered, Exit.void)
              yield* Deferred.await(gate.release)
            }
            if (state.failSyncs.has(n)) return yield* injected(mode, p)
            yield* file.sync(mode)
            state.synced.push(p)
          })
      }))
  }
  const gate = (): Gate => ({ entered: Deferred.makeUnsafe<void>(), release: Deferred.makeUnsafe<void>() })
  const hold = () => (state.gate = gate())
  const holdSync = () => (state.syncGate = gate())
  return { state, service, hold, holdSync }
}

describe("FileWriteAheadLog fast path", () => {
  for (const durability of [WriteAheadLog.none, WriteAheadLog.sync("fsync")]) {
    it.effect(`a failed append on the fast path is never acknowledged; writers queued behind it go to a fresh file (${durability._tag})`, () =>
      Effect.gen(function*() {
        const dir = yield* tempDir()
        const faulty = faultyFs()
        const log = yield* FileWriteAheadLog.make({ directory: dir, durability }).pipe(
          Effect.provideService(FileSystem.FileSystem, faulty.service)
        )
        // the first write creates the file (through the queue); the log is then idle
        const h0 = yield* log.write(bytesOf("first"), 0)
        faulty.state.failAppends.add(faulty.state.appends)
        const gate = faulty.hold()
        const a = yield* Effect.forkChild(log.write(bytesOf("A"), 0))
        // A is on the fast path, holding the lock, with its append in flight
        yield* Deferred.await(gate.entered)
        const b = yield* Effect.forkChild(log.write(bytesOf("B"), 0))
        const c = yield* Effect.forkChild(log.write(bytesOf("C"), 0))
        yield* Effect.yieldNow // B and C queue behind A
        assert.isUndefined(b.pollUnsafe())
        Deferred.doneUnsafe(gate.release, Exit.void)
        const exitA = yield* Fiber.await(a)
        assert.isTrue(Exit.isFailure(exitA))
        if (Exit.isFailure(exitA)) assert.match(String(exitA.cause), /injected/)
        const hb = yield* Fiber.join(b)
        const hc = yield* Fiber.join(c)
        // the file with A's partial frame is never appended to again
        assert.notStrictEqual(hb.path, h0.path)
        assert.strictEqual(hc.path, hb.path)
        assert.isTrue(hc.offset > hb.offset)
        const all = yield* log.readAll
        assert.deepStrictEqual(all.records.map((r) => textOf(r.data)), ["first", "B", "C"])
        assert.deepStrictEqual(all.problems.map((p) => [p._tag, p.path]), [["TornTail", h0.path]])
        // the log goes on taking the fast path on the fresh file
        const hd = yield* log.write(bytesOf("D"), 0)
        assert.strictEqual(hd.path, hb.path)
        assert.strictEqual(textOf(yield* log.read(hd)), "D")
      }))
  }

  it.effect("a close waits for the fast-path write in flight, which is acknowledged; writers queued behind it are refused", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const faulty = faultyFs()
      const log = yield* FileWriteAheadLog.make({ directory: dir, durability: WriteAheadLog.sync("fdatasync") }).pipe(
        Effect.provideService(FileSystem.FileSystem, faulty.service)
      )
      yield* log.write(bytesOf("first"), 0)
      const gate = faulty.hold()
      const a = yield* Effect.forkChild(log.write(bytesOf("A"), 0))
      yield* Deferred.await(gate.entered)
      const closing = yield* Effect.forkChild(log.close)
      yield* Effect.yieldNow
      const late = yield* Effect.forkChild(log.write(bytesOf("late"), 0))
      yield* Effect.yieldNow
      assert.isUndefined(closing.pollUnsafe())
      Deferred.doneUnsafe(gate.release, Exit.void)
      const ha = yield* Fiber.join(a)
      yield* Fiber.join(closing)
      const lateError = yield* Effect.flip(Fiber.join(late))
      assert.strictEqual(lateError._tag, "LogClosedError")
      const all = yield* FileWriteAheadLog.readDirectory(dir)
      assert.deepStrictEqual(all.records.map((r) => textOf(r.data)), ["first", "A"])
      assert.deepStrictEqual(all.records[1]!.handle, ha)
    }).pipe(Effect.provide(FileSystem.layerLocal)))

  it.effect("readAll waits for the fast-path write in flight and sees it whole", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const faulty = faultyFs()
      const log = yield* FileWriteAheadLog.make({ directory: dir, durability: WriteAheadLog.none }).pipe(
        Effect.provideService(FileSystem.FileSystem, faulty.service)
      )
      yield* log.write(bytesOf("first"), 0)
      const gate = faulty.hold()
      const a = yield* Effect.forkChild(log.write(bytesOf("A"), 0))
      yield* Deferred.await(gate.entered)
      const reading = yield* Effect.forkChild(log.readAll)
      yield* Effect.yieldNow
      assert.isUndefined(reading.pollUnsafe())
      Deferred.doneUnsafe(gate.release, Exit.void)
      yield* Fiber.join(a)
      const all = yield* Fiber.join(reading)
      assert.deepStrictEqual(all.records.map((r) => textOf(r.data)), ["first", "A"])
      assert.deepStrictEqual(all.problems, [])
    }))

  for (const durability of [WriteAheadLog.sync("fsync"), WriteAheadLog.groupCommit("1 millis", "fsync")]) {
    it.live(`a write in flight when a sync of its file fails is not acknowledged (${durability._tag})`, () =>
      Effect.gen(function*() {
        const dir = yield* tempDir()
        const faulty = faultyFs()
        const log = yield* FileWriteAheadLog.make({ directory: dir, durability }).pipe(
          Effect.provideService(FileSystem.FileSystem, faulty.service)
        )
        const h0 = yield* log.write(bytesOf("first"), 0)
        // B's append completes and its sync starts, held; then A's append starts, held
        faulty.state.failSyncs.add(faulty.state.syncs)
        const syncGate = faulty.holdSync()
        const b = yield* Effect.forkChild(log.write(bytesOf("B"), 0))
        yield* Deferred.await(syncGate.entered)
        const appendGate = faulty.hold()
        const a = yield* Effect.forkChild(log.write(bytesOf("A"), 0))
        yield* Deferred.await(appendGate.entered)
        // the sync fails while A's append is in flight
        Deferred.doneUnsafe(syncGate.release, Exit.void)
        const exitB = yield* Fiber.await(b)
        assert.isTrue(Exit.isFailure(exitB))
        // A's bytes then reach a file whose sync failed: a later sync of that file could lie
        Deferred.doneUnsafe(appendGate.release, Exit.void)
        const exitA = yield* Fiber.await(a)
        assert.isTrue(Exit.isFailure(exitA), "A was acknowledged on a file whose sync had failed")
        const hc = yield* log.write(bytesOf("C"), 0)
        assert.notStrictEqual(hc.path, h0.path)
      }).pipe(Effect.scoped, Effect.provide(FileSystem.layerLocal)))
  }

  it.live("a queued write in flight when a sync of its file fails is not acknowledged either", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const faulty = faultyFs()
      const log = yield* FileWriteAheadLog.make({ directory: dir, durability: WriteAheadLog.sync("fsync") }).pipe(
        Effect.provideService(FileSystem.FileSystem, faulty.service)
      )
      const h0 = yield* log.write(bytesOf("first"), 0)
      faulty.state.failSyncs.add(faulty.state.syncs)
      const syncGate = faulty.holdSync()
      const b = yield* Effect.forkChild(log.write(bytesOf("B"), 0))
      yield* Deferred.await(syncGate.entered)
      // X on the fast path, A queued behind it; A's append (by the drainer) is held
      const gateX = faulty.hold()
      const x = yield* Effect.forkChild(log.write(bytesOf("X"), 0))
      yield* Deferred.await(gateX.entered)
      const a = yield* Effect.forkChild(log.write(bytesOf("A"), 0))
      yield* Effect.yieldNow
      const gateA = faulty.hold()
      Deferred.doneUnsafe(gateX.release, Exit.void)
      yield* Deferred.await(gateA.entered)
      Deferred.doneUnsafe(syncGate.release, Exit.void)
      Deferred.doneUnsafe(gateA.release, Exit.void)
      for (const f of [b, x, a]) assert.isTrue(Exit.isFailure(yield* Fiber.await(f)))
      const hc = yield* log.write(bytesOf("C"), 0)
      assert.notStrictEqual(hc.path, h0.path)
      assert.strictEqual(textOf(yield* log.read(hc)), "C")
    }).pipe(Effect.scoped, Effect.provide(FileSystem.layerLocal)))

  it.effect("records appended before a failed append are synced before their file is closed (group commit)", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const faulty = faultyFs()
      const log = yield* FileWriteAheadLog.make({ directory: dir, durability: WriteAheadLog.groupCommit("10 millis") }).pipe(
        Effect.provideService(FileSystem.FileSystem, faulty.service)
      )
      const w5 = yield* Effect.forkChild(log.write(bytesOf("five"), 0))
      // wait (on real I/O, not on time) until "five" is appended; it waits for the next commit
      while ((yield* FileWriteAheadLog.readDirectory(dir)).records.length < 1) {
        yield* Effect.promise(() => new Promise((r) => setImmediate(r)))
      }
      const file1 = (yield* FileWriteAheadLog.readDirectory(dir)).records[0]!.handle.path
      faulty.state.failAppends.add(faulty.state.appends)
      yield* Effect.flip(log.write(bytesOf("six"), 0))
      // the next write replaces the broken file; "five" must not be acknowledged by a sync of the new file only
      const c = yield* Effect.forkChild(log.write(bytesOf("C"), 0))
      while ((yield* FileWriteAheadLog.readDirectory(dir)).records.length < 2) {
        yield* Effect.promise(() => new Promise((r) => setImmediate(r)))
      }
      yield* TestClock.adjust("10 millis")
      const h5 = yield* Fiber.join(w5)
      const hc = yield* Fiber.join(c)
      assert.strictEqual(h5.path, file1)
      assert.notStrictEqual(hc.path, file1)
      assert.include(faulty.state.synced, file1, "five was acknowledged, but its file was never synced")
      assert.deepStrictEqual((yield* log.readAll).records.map((r) => textOf(r.data)), ["five", "C"])
    }).pipe(Effect.provide(FileSystem.layerLocal)))

  /** Groups run one after another; the writes of a group run concurrently (the first on the fast path, the rest queued). */
  const groupsArb = fc.array(
    fc.array(fc.tuple(fc.string({ maxLength: 20 }), fc.nat(40)), { minLength: 1, maxLength: 5 }),
    { minLength: 1, maxLength: 12 }
  )
  const policies = fc.constantFrom(
    WriteAheadLog.none,
    WriteAheadLog.sync("fdatasync"),
    WriteAheadLog.groupCommit("1 millis", "fdatasync")
  )

  it.live("sequential writes interleaved with concurrent groups keep submission order (property)", () =>
    Effect.promise(() =>
      fc.assert(
        fc.asyncProperty(groupsArb, policies, (groups, durability) =>
          Effect.runPromise(
            Effect.gen(function*() {
              const dir = yield* tempDir("tspark-fastpath-")
              const log = yield* FileWriteAheadLog.make({ directory: dir, rollingIntervalMillis: 25, durability })
              let now = 0
              const written: Array<string> = []
              const handles: Array<WriteAheadLog.RecordHandle> = []
              for (const [g, group] of groups.entries()) {
                const base = now
                const texts = group.map(([s], i) => `${g}.${i}:${s}`)
                const hs = yield* Effect.forEach(group, ([, dt], i) => log.write(bytesOf(texts[i]!), base + dt), {
                  concurrency: "unbounded"
                })
                for (const [, dt] of group) now = Math.max(now, base + dt)
                written.push(...texts)
                handles.push(...hs)
              }
              const all = yield* log.readAll
              assert.deepStrictEqual(all.problems, [])
              assert.deepStrictEqual(all.records.map((r) => textOf(r.data)), written)
              assert.deepStrictEqual(all.records.map((r) => r.handle), handles)
              for (let i = 0; i < handles.length; i++) assert.strictEqual(textOf(yield* log.read(handles[i]!)), written[i])
            }).pipe(Effect.scoped, Effect.provide(FileSystem.layerLocal))
          )),
        { numRuns: 40 }
      )
    ))

  /**
   * With appends and syncs failing at random: every acknowledged record is read
   * back once, in submission order; a record whose append failed never is; one
   * whose sync failed may be (at-least-once), but never out of order.
   */
  const checkFailures = (
    groups: ReadonlyArray<ReadonlyArray<readonly [string, number]>>,
    durability: WriteAheadLog.DurabilityPolicy,
    failAppends: ReadonlyArray<number>,
    failSyncs: ReadonlyArray<number>
  ) =>
    Effect.gen(function*() {
      const dir = yield* tempDir("tspark-fastpath-")
      const faulty = faultyFs()
      for (const n of failAppends) faulty.state.failAppends.add(n)
      for (const n of failSyncs) faulty.state.failSyncs.add(n)
      const log = yield* FileWriteAheadLog.make({ directory: dir, rollingIntervalMillis: 25, durability }).pipe(
        Effect.provideService(FileSystem.FileSystem, faulty.service)
      )
      let now = 0
      const order: Array<string> = []
      const acked = new Map<string, WriteAheadLog.RecordHandle>()
      const appendFailed = new Set<string>()
      for (const [g, group] of groups.entries()) {
        const base = now
        const texts = group.map(([s], i) => `${g}.${i}:${s}`)
        const exits = yield* Effect.forEach(
          group,
          ([, dt], i) => Effect.exit(log.write(bytesOf(texts[i]!), base + dt)),
          { concurrency: "unbounded" }
        )
        for (const [, dt] of group) now = Math.max(now, base + dt)
        for (let i = 0; i < texts.length; i++) {
          const exit = exits[i]!
          order.push(texts[i]!)
          if (Exit.isSuccess(exit)) acked.set(texts[i]!, exit.value)
          else {
            const error = Cause.findErrorOption(exit.cause)
            if (Option.isSome(error) && error.value._tag === "FileSystemError" && error.value.operation === "append") {
              appendFailed.add(texts[i]!)
            }
          }
        }
      }
      const all = yield* log.readAll
      const read = all.records.map((r) => textOf(r.data))
      // no duplicates, submission order, nothing whose append failed
      assert.strictEqual(new Set(read).size, read.length)
      const position = new Map(order.map((t, i) => [t, i]))
      for (let i = 1; i < read.length; i++) assert.isTrue(position.get(read[i - 1]!)! < position.get(read[i]!)!)
      for (const t of read) assert.isFalse(appendFailed.has(t), `${t} was read back although its append failed`)
      // every acknowledged record, at its handle
      const byText = new Map(all.records.map((r) => [textOf(r.data), r.handle]))
      for (const [t, h] of acked) {
        assert.deepStrictEqual(byText.get(t), h, `acknowledged ${t} missing`)
        assert.strictEqual(textOf(yield* log.read(h)), t)
      }
      // only problems are the partial frames left by failed appends
      for (const p of all.problems) assert.strictEqual(p._tag, "TornTail")
    }).pipe(Effect.scoped, Effect.provide(FileSystem.layerLocal))

  it.live("failed appends and syncs, on the fast path or queued, never acknowledge and never reorder (property)", () =>
    Effect.promise(() =>
      fc.assert(
        fc.asyncProperty(
          groupsArb,
          fc.constantFrom(WriteAheadLog.none, WriteAheadLog.sync("fdatasync")),
          fc.array(fc.nat(30), { maxLength: 4 }),
          fc.array(fc.nat(30), { maxLength: 4 }),
          (groups, durability, failAppends, failSyncs) => Effect.runPromise(checkFailures(groups, durability, failAppends, failSyncs))
        ),
        { numRuns: 60 }
      )
    ))

  it.live("regression (seed 1177974573): a file opened after a failed roll for an earlier time sorts after the older file", () =>
    checkFailures([[["", 1], ["", 26], ["", 0]]], WriteAheadLog.sync("fdatasync"), [], [1]))

  it.live("regression (seed 2087943366): a roll, then a combined write that fails, acknowledges none of its records", () =>
    checkFailures([[["", 0]], [["", 0]], [["", 25], ["", 0]]], WriteAheadLog.none, [2], []))
})
