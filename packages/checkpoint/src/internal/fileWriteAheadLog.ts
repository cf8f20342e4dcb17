import { Effect, Option, Scope, Semaphore } from "effect"
import type { DirectoryNotFoundError, DirectoryNotWritableError, FileSystemError, InvalidOptionError } from "../Errors.js"
import { RecordTooLargeError } from "../Errors.js"
import { checkBoolean, checkBytes, checkRecords, checkTime } from "./arguments.js"
import { FileSystem } from "../FileSystem.js"
import type * as WAL from "../WriteAheadLog.js"
import { Appender } from "./walAppender.js"
import { type LogFile, listLogFiles, newestSegment, readDirectory, readHandle } from "./walFiles.js"
import * as format from "./walFormat.js"
import { type Options, validateOptions } from "./walOptions.js"
import { encodeSegmentHeader } from "./walSegment.js"
import { type Active, type Appended, LogState } from "./walState.js"
import { Syncer } from "./walSync.js"

export { listLogFiles, readDirectory, readHandle } from "./walFiles.js"

/**
 * A write-ahead log in rolling files of one directory. This module wires the
 * parts and owns the file lifecycle (roll, close, clean); `Appender` writes,
 * `Syncer` makes writes durable, `walFiles` reads.
 */
export const make = Effect.fnUntraced(function*(options: Options) {
  const fs = yield* FileSystem
  const scope = yield* Scope.Scope
  const { durability, groupInterval, maxRecordBytes, rolling } = yield* validateOptions(options)
  const directory = options.directory
  if (options.createDirectory === true) {
    const info = yield* fs.stat(directory)
    if (Option.isNone(info)) yield* fs.makeDirectory(directory)
  }
  yield* fs.checkWritableDirectory(directory)

  const state = new LogState(directory)
  // continue the chain of the newest segment already in the directory (format version 2)
  const resumed = yield* newestSegment(directory)
  if (resumed !== undefined) {
    state.segmentSeq = resumed.segment.header.seq
    state.chain = resumed.segment.finalChain
    state.digest = resumed.segment.finalDigest
  }
  /** Serialises appends, rolls and closes. Syncs run outside it, so appends continue during a sync. */
  const lock = Semaphore.makeUnsafe(1)
  const syncer = new Syncer(state, durability._tag === "None" ? "fdatasync" : durability.mode)

  const closeActive = Effect.suspend(() => {
    const current = state.active
    if (current === undefined) return Effect.void
    // A file broken by a failed append is still synced (and in-flight syncs awaited) before it
    // is closed, so what was appended before the failure becomes durable; one broken by a
    // failed sync is not synced again (every append on it not yet durable has failed).
    const noSync = state.brokenBy !== undefined || durability._tag === "None"
    const flush = noSync ? Effect.void : syncer.awaitDurable(state.appended)
    return flush.pipe(
      Effect.andThen(noSync ? Effect.void : current.file.sync("fsync")),
      Effect.ensuring(Effect.ignore(current.file.close)),
      Effect.ensuring(Effect.sync(() => {
        state.active = undefined
        state.broken = false
        state.brokenBy = undefined
      }))
    )
  })

  /**
   * Creates the next segment and writes its header: the next sequence number,
   * and the chain value the previous segment ended with. The header becomes
   * durable with the segment's first synced append.
   */
  const createFile = Effect.fnUntraced(function*(start: number, end: number) {
    for (let seq = 0;; seq++) {
      const path = fs.join(directory, format.logName(start, end, seq))
      const exists = yield* fs.stat(path)
      if (Option.isSome(exists)) continue
      // Another log on the same directory (a receiver restarted elsewhere while the old one still
      // writes) may create this name between the stat and the create: the create is exclusive, so
      // take the next sequence number instead of failing the write.
      const created = yield* Effect.result(fs.createAppend(path))
      if (created._tag === "Failure") {
        if (created.failure.code === "EEXIST") continue
        return yield* created.failure
      }
      const file = created.success
      const previous = state.chain === undefined ? undefined : { chain: state.chain, digest: state.digest }
      const header = encodeSegmentHeader(state.segmentSeq + 1, previous)
      yield* file.append([header.bytes]).pipe(Effect.tapError(() => Effect.ignore(file.close)))
      state.segmentSeq++
      state.chain = header.crc
      state.digest = 0
      yield* fs.syncDirectory(directory)
      return file
    }
  })

  /**
   * Start of the newest file this log created. A file that replaces a broken
   * (or failed-to-close) one for an earlier `time` starts here instead, so it
   * still sorts after the files written before it and `readAll` keeps the
   * write order.
   */
  let lastStart = resumed?.start ?? Number.NEGATIVE_INFINITY

  /** The writer for `time`, rolling to a new file when `time` is past the active file's end. */
  const writerFor = Effect.fnUntraced(function*(time: number) {
    const active = state.active
    if (active !== undefined && time < active.end && !state.broken) return active
    yield* closeActive
    const start = Math.max(Math.floor(time), lastStart)
    const end = start + rolling
    const file = yield* createFile(start, end)
    lastStart = start
    const next: Active = { file, start, end }
    state.active = next
    return next
  })

  const appender = new Appender(state, lock, scope, writerFor)

  /** Completes when the append is as durable as the policy promises (none, sync, group commit). */
  const appendDurably = (records: ReadonlyArray<Uint8Array>, time: number): Effect.Effect<Appended, WAL.WriteError> => {
    switch (durability._tag) {
      case "None":
        return appender.append(records, time)
      case "Sync":
        return Effect.flatMap(appender.append(records, time), syncer.synced)
      case "GroupCommit":
        return Effect.flatMap(appender.append(records, time), syncer.committed)
    }
  }
  const handlesOf = (r: Appended) => r.handles
  const firstHandleOf = (r: Appended) => r.handles[0]!

  // The argument checks need no suspension: they depend on the arguments only. They run before
  // anything reaches the appender, so a rejected call touches no file and leaves the log usable.
  const writeBatch = (
    records: ReadonlyArray<Uint8Array>,
    time: number
  ): Effect.Effect<ReadonlyArray<WAL.RecordHandle>, WAL.WriteError> => {
    const invalid = checkRecords("WriteAheadLog.writeBatch", records) ?? checkTime("WriteAheadLog.writeBatch", "time", time)
    if (invalid !== undefined) return Effect.fail(invalid)
    for (const r of records) {
      if (r.length > maxRecordBytes) return Effect.fail(new RecordTooLargeError({ size: r.length, maxRecordBytes }))
    }
    if (records.length === 0) return Effect.succeed<ReadonlyArray<WAL.RecordHandle>>([])
    return Effect.map(appendDurably(records, time), handlesOf)
  }

  const write = (record: Uint8Array, time: number): Effect.Effect<WAL.RecordHandle, WAL.WriteError> => {
    const invalid = checkBytes("WriteAheadLog.write", "record", record) ?? checkTime("WriteAheadLog.write", "time", time)
    if (invalid !== undefined) return Effect.fail(invalid)
    return record.length > maxRecordBytes
      ? Effect.fail(new RecordTooLargeError({ size: record.length, maxRecordBytes }))
      : Effect.map(appendDurably([record], time), firstHandleOf)
  }

  const close = lock.withPermit(Effect.suspend(() => {
    if (state.closed) return Effect.void
    state.closed = true
    appender.failQueued()
    return closeActive
  }))

  if (groupInterval !== undefined) {
    yield* Effect.forkIn(
      Effect.forever(Effect.andThen(Effect.sleep(groupInterval), Effect.ignore(syncer.syncOnce))),
      scope
    )
  }
  yield* Scope.addFinalizer(scope, Effect.ignore(close))

  const clean = (threshold: number, waitForCompletion: boolean): Effect.Effect<void, WAL.CleanError> => {
    const invalid = checkTime("WriteAheadLog.clean", "threshold", threshold) ??
      checkBoolean("WriteAheadLog.clean", "waitForCompletion", waitForCompletion)
    if (invalid !== undefined) return Effect.fail(invalid)
    const run = Effect.gen(function*() {
      const files = yield* listLogFiles(directory).pipe(
        Effect.catchTag("FileNotFoundError", () => Effect.succeed<Array<LogFile>>([]))
      )
      const activePath = state.active?.file.path
      const old = files.filter((f) => f.name.end < threshold && f.path !== activePath)
      if (old.length === 0) return
      yield* Effect.forEach(old, (f) => fs.remove(f.path), { discard: true })
      yield* fs.syncDirectory(directory)
    })
    const provided = Effect.provideService(run, FileSystem, fs)
    return waitForCompletion ? provided : Effect.asVoid(Effect.forkIn(Effect.ignore(provided), scope))
  }

  const service: WAL.WriteAheadLog["Service"] = {
    maxRecordBytes,
    write,
    writeBatch,
    read: (handle) => Effect.provideService(readHandle(handle), FileSystem, fs),
    readAll: lock.withPermit(
      Effect.suspend((): Effect.Effect<WAL.ReadAllResult, WAL.ReadAllError> =>
        state.closed ? Effect.fail(state.closedError) : Effect.provideService(readDirectory(directory), FileSystem, fs)
      )
    ),
    clean,
    close
  }
  return service
})

export type MakeError = InvalidOptionError | DirectoryNotFoundError | DirectoryNotWritableError | FileSystemError
