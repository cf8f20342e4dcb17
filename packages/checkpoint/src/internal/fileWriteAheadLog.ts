import { Cause, Deferred, Duration, Effect, Exit, Option, Scope, Semaphore } from "effect"
import {
  CorruptDataError,
  type DirectoryNotFoundError,
  type DirectoryNotWritableError,
  FileSystemError,
  InvalidOptionError,
  LogClosedError,
  RecordCleanedError,
  RecordTooLargeError,
  UnsupportedFormatVersionError
} from "../Errors.js"
import { FileSystem, type AppendFile } from "../FileSystem.js"
import type * as WAL from "../WriteAheadLog.js"
import * as format from "./walFormat.js"

export interface Options {
  readonly directory: string
  readonly rollingIntervalMillis?: number
  readonly durability?: WAL.DurabilityPolicy
  readonly maxRecordBytes?: number
  readonly createDirectory?: boolean
}

export const DEFAULT_ROLLING_INTERVAL_MILLIS = 60_000
export const DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024
/** Frame data length is a u32; keep the whole frame well below it. */
const HARD_MAX_RECORD_BYTES = 1024 * 1024 * 1024

interface LogFile {
  readonly path: string
  readonly name: format.LogFileName
}

/** Lists the log files of a directory, oldest first. */
export const listLogFiles = Effect.fnUntraced(function*(directory: string) {
  const fs = yield* FileSystem
  const names = yield* fs.list(directory)
  const files: Array<LogFile> = []
  for (const n of names) {
    const parsed = format.parseLogName(n)
    if (parsed !== undefined) files.push({ path: fs.join(directory, n), name: parsed })
  }
  files.sort((a, b) => format.compareLogNames(a.name, b.name))
  return files
})

/** Reads every log file of a directory, in write order. */
export const readDirectory = Effect.fnUntraced(function*(directory: string) {
  const fs = yield* FileSystem
  const files = yield* listLogFiles(directory)
  const records: Array<WAL.LogRecord> = []
  const problems: Array<WAL.LogProblem> = []
  for (const file of files) {
    const bytes = yield* fs.readFile(file.path).pipe(
      Effect.map(Option.some),
      // cleaned concurrently: nothing to read
      Effect.catchTag("FileNotFoundError", () => Effect.succeed(Option.none<Uint8Array>()))
    )
    if (Option.isNone(bytes)) continue
    const result = format.scan(bytes.value)
    for (const r of result.records) {
      records.push({ handle: { path: file.path, offset: r.offset, length: r.length }, data: r.data })
    }
    for (const p of result.problems) problems.push({ ...p, path: file.path })
    if (result.unsupportedVersion !== undefined) {
      return yield* new UnsupportedFormatVersionError({
        path: file.path,
        offset: result.unsupportedVersion.offset,
        version: result.unsupportedVersion.version,
        supported: format.VERSION
      })
    }
  }
  return { records, problems } satisfies WAL.ReadAllResult
})

/** Reads one record by handle, verifying its checksum. */
export const readHandle = Effect.fnUntraced(function*(handle: WAL.RecordHandle) {
  const fs = yield* FileSystem
  const entry = yield* fs.readRange(handle.path, handle.offset, handle.length).pipe(
    Effect.catchTag("FileNotFoundError", () => Effect.fail(new RecordCleanedError({ path: handle.path, offset: handle.offset })))
  )
  if (entry.length < handle.length) {
    return yield* new CorruptDataError({
      path: handle.path,
      offset: handle.offset,
      reason: `the file ends ${handle.length - entry.length} bytes before the record does`
    })
  }
  const decoded = format.decodeEntry(entry)
  if (typeof decoded === "string") {
    return yield* new CorruptDataError({ path: handle.path, offset: handle.offset, reason: decoded })
  }
  return decoded
})

interface Active {
  readonly file: AppendFile
  readonly start: number
  readonly end: number
}

export const validateOptions = (options: Options) =>
  Effect.gen(function*() {
    const rolling = options.rollingIntervalMillis ?? DEFAULT_ROLLING_INTERVAL_MILLIS
    if (!(Number.isFinite(rolling) && rolling > 0)) {
      return yield* new InvalidOptionError({
        option: "rollingIntervalMillis",
        value: rolling,
        expected: "a positive number of milliseconds"
      })
    }
    const maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES
    if (!(Number.isInteger(maxRecordBytes) && maxRecordBytes > 0 && maxRecordBytes <= HARD_MAX_RECORD_BYTES)) {
      return yield* new InvalidOptionError({
        option: "maxRecordBytes",
        value: maxRecordBytes,
        expected: `an integer between 1 and ${HARD_MAX_RECORD_BYTES}`
      })
    }
    const durability = options.durability ?? { _tag: "Sync", mode: "fdatasync" }
    let groupInterval: Duration.Duration | undefined
    if (durability._tag === "GroupCommit") {
      const d = Duration.fromInput(durability.interval)
      if (Option.isNone(d) || !Duration.isFinite(d.value) || Duration.toMillis(d.value) <= 0) {
        return yield* new InvalidOptionError({
          option: "durability.interval",
          value: durability.interval,
          expected: "a positive, finite duration such as \"5 millis\""
        })
      }
      groupInterval = d.value
    }
    return { rolling, maxRecordBytes, durability, groupInterval }
  })

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

  /** Serialises appends, rolls and closes. Syncs run outside it, so appends continue during a sync. */
  const lock = Semaphore.makeUnsafe(1)
  let active: Active | undefined
  let closed = false
  /** Sequence number of the last append, and of the last append known durable. */
  let appended = 0
  let durable = 0
  /** The sync in flight, if any: it makes every append up to `target` durable. */
  let inflight: { readonly target: number; readonly done: Deferred.Deferred<void, FileSystemError> } | undefined
  /** Group-commit writers waiting for `durable >= seq`. */
  let waiters: Array<{ readonly seq: number; readonly done: Deferred.Deferred<void, FileSystemError> }> = []
  /** A sync or an append failed on the active file: its pages may be lost, so never append to it again. */
  let broken = false
  /** The sync failure that broke the active file, if a sync broke it. */
  let brokenBy: FileSystemError | undefined
  /**
   * An append that completes on a file broken while it was in flight (a sync
   * of that file failed meanwhile) is not acknowledged: a later sync of that
   * file could report success for pages the kernel already dropped.
   */
  const brokenInFlight = (path: string) =>
    brokenBy ?? new FileSystemError({
      operation: "append",
      path,
      code: "EIO",
      detail: "a sync of the file failed while this append was in flight"
    })
  /** Appends (seq ranges, inclusive) whose sync failed: they are never reported durable. */
  const failed: Array<{ readonly from: number; readonly to: number; readonly error: FileSystemError }> = []
  const failureOf = (seq: number) => {
    for (const f of failed) if (seq >= f.from && seq <= f.to) return f.error
    return undefined
  }

  const closedError = new LogClosedError({ path: directory })
  const syncMode = durability._tag === "None" ? "fdatasync" : durability.mode

  /**
   * Starts a sync of the active file covering every append so far, or joins
   * the one in flight. Completes when that sync ends (successfully or not).
   */
  const syncOnce: Effect.Effect<void, FileSystemError> = Effect.suspend(() => {
    if (inflight !== undefined) return Deferred.await(inflight.done)
    const target = appended
    const file = active?.file
    // never sync a file again after a sync of it failed: the answer could be a lie
    if (file === undefined || target <= durable || brokenBy !== undefined) return Effect.void
    const done = Deferred.makeUnsafe<void, FileSystemError>()
    inflight = { target, done }
    return Effect.uninterruptible(
      file.sync(syncMode).pipe(
        Effect.exit,
        Effect.flatMap((exit) =>
          Effect.sync(() => {
            inflight = undefined
            let covered = target
            if (exit._tag === "Success") {
              if (target > durable) durable = target
            } else {
              // every append not yet durable is in this file: none of them may be acknowledged
              broken = true
              covered = appended
              const error = Option.getOrElse(
                Cause.findErrorOption(exit.cause),
                () => new FileSystemError({ operation: syncMode, path: file.path, code: "EUNKNOWN", detail: "the sync did not complete" })
              )
              brokenBy = error
              failed.push({ from: durable + 1, to: appended, error })
            }
            const still: typeof waiters = []
            for (const w of waiters) {
              if (w.seq <= covered) Deferred.doneUnsafe(w.done, exit)
              else still.push(w)
            }
            waiters = still
            Deferred.doneUnsafe(done, exit)
            return exit
          })
        ),
        Effect.flatMap((exit) => exit)
      )
    )
  })

  /** Waits until append `seq` is durable, starting syncs as needed (leader/follower group commit). */
  const awaitDurable = (seq: number): Effect.Effect<void, FileSystemError> =>
    Effect.suspend((): Effect.Effect<void, FileSystemError> => {
      const failure = failureOf(seq)
      if (failure !== undefined) return Effect.fail(failure)
      if (durable >= seq) return Effect.void
      // not durable, not failed, and the active file can no longer be synced (never the case; never loop)
      if (brokenBy !== undefined && inflight === undefined) return Effect.fail(brokenBy)
      const pendingSync = inflight
      if (pendingSync !== undefined && pendingSync.target < seq) {
        // the sync in flight does not cover us: wait for it (ignoring its outcome), then sync again
        return Effect.andThen(Effect.exit(Deferred.await(pendingSync.done)), awaitDurable(seq))
      }
      return Effect.andThen(syncOnce, awaitDurable(seq))
    })

  const closeActive = Effect.suspend(() => {
    const current = active
    if (current === undefined) return Effect.void
    // A file broken by a failed append is still synced (and in-flight syncs awaited) before it
    // is closed, so what was appended before the failure becomes durable; one broken by a
    // failed sync is not synced again (every append on it not yet durable has failed).
    const noSync = brokenBy !== undefined || durability._tag === "None"
    const flush = noSync ? Effect.void : awaitDurable(appended)
    return flush.pipe(
      Effect.andThen(noSync ? Effect.void : current.file.sync("fsync")),
      Effect.ensuring(Effect.ignore(current.file.close)),
      Effect.ensuring(Effect.sync(() => {
        active = undefined
        broken = false
        brokenBy = undefined
      }))
    )
  })

  const createFile = Effect.fnUntraced(function*(start: number, end: number) {
    for (let seq = 0;; seq++) {
      const path = fs.join(directory, format.logName(start, end, seq))
      const exists = yield* fs.stat(path)
      if (Option.isSome(exists)) continue
      const file = yield* fs.createAppend(path)
      yield* fs.syncDirectory(directory)
      return file
    }
  })

  /** The writer for `time`, rolling to a new file when `time` is past the active file's end. */
  /**
   * Start of the newest file this log created. A file that replaces a broken
   * (or failed-to-close) one for an earlier `time` starts here instead, so it
   * still sorts after the files written before it and `readAll` keeps the
   * write order.
   */
  let lastStart = Number.NEGATIVE_INFINITY

  const writerFor = Effect.fnUntraced(function*(time: number) {
    if (active !== undefined && time < active.end && !broken) return active
    yield* closeActive
    const start = Math.max(Math.floor(time), lastStart)
    const end = start + rolling
    const file = yield* createFile(start, end)
    lastStart = start
    active = { file, start, end }
    return active
  })

  /** Appends one frame to `w`; returns the handles and the append's sequence number. Call under the lock. */
  interface Appended {
    readonly handles: ReadonlyArray<WAL.RecordHandle>
    readonly seq: number
  }
  interface AppendRequest {
    readonly records: ReadonlyArray<Uint8Array>
    readonly time: number
    readonly done: Deferred.Deferred<Appended, FileSystemError | LogClosedError>
  }

  /**
   * Write combining: appends queue here; one fiber at a time (the "drainer",
   * under the lock) writes every queued frame that belongs in the active file
   * with a single write call. Each request keeps its own frame, so the format
   * and the handles are the same as for one append at a time.
   */
  let appendQueue: Array<AppendRequest> = []
  let draining = false
  const MAX_COMBINED_BYTES = 8 * 1024 * 1024

  /**
   * Staging buffer for frame headers, checksums and small records, reused:
   * appends run one at a time under the lock, so the previous write has
   * completed before it is filled again. Large records are not copied (see
   * `format.encodeFrames`).
   */
  let staging: Uint8Array = new Uint8Array(64 * 1024)

  /** Appends the frames of `batch` to `w` with one write call. Call under the lock. */
  const appendTo = (w: Active, batch: ReadonlyArray<AppendRequest>) => {
    const frames: Array<ReadonlyArray<Uint8Array>> = new Array(batch.length)
    for (let i = 0; i < batch.length; i++) frames[i] = batch[i]!.records
    const staged = format.stagedLength(frames)
    if (staging.length < staged) staging = new Uint8Array(Math.max(staged, staging.length * 2))
    const { chunks, entryOffsets } = format.encodeFrames(frames, staging)
    const base = w.file.size()
    const write = w.file.append(chunks)
    return write.pipe(
      Effect.exit,
      Effect.map((exit) => {
        if (exit._tag === "Failure") {
          // a failed append may leave a partial frame: never append after it
          broken = true
          const failed = Exit.failCause(exit.cause)
          for (const r of batch) Deferred.doneUnsafe(r.done, failed)
          return
        }
        if (broken) {
          const failed = Exit.fail(brokenInFlight(w.file.path))
          for (const r of batch) Deferred.doneUnsafe(r.done, failed)
          return
        }
        for (let b = 0; b < batch.length; b++) {
          const { records } = batch[b]!
          const offsets = entryOffsets[b]!
          const handles: Array<WAL.RecordHandle> = new Array(records.length)
          for (let i = 0; i < records.length; i++) {
            handles[i] = {
              path: w.file.path,
              offset: base + offsets[i]!,
              length: format.ENTRY_OVERHEAD + records[i]!.length
            }
          }
          Deferred.doneUnsafe(batch[b]!.done, Exit.succeed({ handles, seq: ++appended }))
        }
      })
    )
  }

  /** Writes the queued appends that fit the active file (rolling first if the oldest needs it). */
  const drainRound: Effect.Effect<void> = Effect.suspend(() => {
    if (appendQueue.length === 0) return Effect.void
    if (closed) {
      const failedQueue = appendQueue
      appendQueue = []
      for (const r of failedQueue) Deferred.doneUnsafe(r.done, Exit.fail(closedError))
      return Effect.void
    }
    const head = appendQueue[0]!
    const current = active
    const writer: Effect.Effect<Active, FileSystemError> = current !== undefined && head.time < current.end && !broken
      ? Effect.succeed(current)
      : writerFor(head.time)
    return Effect.matchEffect(writer, {
      onFailure: (error) =>
        Effect.sync(() => {
          appendQueue.shift()
          Deferred.doneUnsafe(head.done, Exit.fail(error))
        }),
      onSuccess: (w) => {
        let n = 0
        let bytes = 0
        while (n < appendQueue.length && appendQueue[n]!.time < w.end && (n === 0 || bytes < MAX_COMBINED_BYTES)) {
          for (const r of appendQueue[n]!.records) bytes += r.length
          n++
        }
        const batch = appendQueue.slice(0, n)
        appendQueue = appendQueue.slice(n)
        return appendTo(w, batch)
      }
    })
  })

  /** Drains until `own` is done; if requests remain, hands the queue to a new drainer fiber. */
  const drain = (own: AppendRequest): Effect.Effect<void> =>
    Effect.suspend(() => {
      if (!Deferred.isDoneUnsafe(own.done) && appendQueue.length > 0) return Effect.andThen(drainRound, drain(own))
      if (appendQueue.length === 0) {
        draining = false
        return Effect.void
      }
      return Effect.asVoid(Effect.forkIn(drainAll, scope))
    })

  const drainAll: Effect.Effect<void> = Effect.suspend(() => {
    if (appendQueue.length === 0) {
      draining = false
      return Effect.void
    }
    return Effect.andThen(lock.withPermit(Effect.uninterruptible(drainRound)), drainAll)
  })

  /**
   * Fast path: an append that finds no other append in progress (`draining`
   * is false, so the queue is empty) becomes the drainer of its own frame
   * alone: under the lock it encodes and writes the frame directly, with no
   * request, Deferred or drain round. Appends that arrive meanwhile queue as
   * usual and are handed to a drainer fiber when it ends. The rules are those
   * of `appendTo`: a failed write marks the file broken and acknowledges
   * nothing; `appended` counts the append only once its bytes are written. A
   * write that must roll (or finds the log closed or the file broken) goes
   * through the queue, first in line.
   *
   * The lock admits one fast write at a time, so its state lives here rather
   * than in a per-write closure.
   */
  let fastPath = ""
  let fastBase = 0
  let fastRecords: ReadonlyArray<Uint8Array> = []
  let fastOffsets: ReadonlyArray<number> = []

  /** Ends a fast write: hands appends that queued meanwhile to a drainer. */
  const endFast = <A, E>(result: Effect.Effect<A, E>): Effect.Effect<A, E> => {
    fastRecords = []
    fastOffsets = []
    if (appendQueue.length === 0) {
      draining = false
      return result
    }
    return Effect.andThen(Effect.forkIn(drainAll, scope), result)
  }

  const fastWritten = {
    onFailure: (cause: Cause.Cause<FileSystemError>) => {
      // a failed append may leave a partial frame: never append after it
      broken = true
      return endFast(Effect.failCause(cause))
    },
    onSuccess: () => {
      if (broken) return endFast(Effect.fail(brokenInFlight(fastPath)))
      const records = fastRecords
      const offsets = fastOffsets
      const handles: Array<WAL.RecordHandle> = new Array(records.length)
      for (let i = 0; i < records.length; i++) {
        handles[i] = { path: fastPath, offset: fastBase + offsets[i]!, length: format.ENTRY_OVERHEAD + records[i]!.length }
      }
      return endFast(Effect.succeed<Appended>({ handles, seq: ++appended }))
    }
  }

  /** Appends `records` as the only append in progress. Call under the lock, with `draining` set. */
  const appendAlone = (records: ReadonlyArray<Uint8Array>, time: number): Effect.Effect<Appended, FileSystemError | LogClosedError> =>
    Effect.suspend(() => {
      const w = active
      if (closed || w === undefined || time >= w.end || broken) {
        const request: AppendRequest = { records, time, done: Deferred.makeUnsafe() }
        // appends that queued while this one waited for the lock came after it
        appendQueue.unshift(request)
        return Effect.andThen(drain(request), Deferred.await(request.done))
      }
      const frames = [records]
      const staged = format.stagedLength(frames)
      if (staging.length < staged) staging = new Uint8Array(Math.max(staged, staging.length * 2))
      const { chunks, entryOffsets } = format.encodeFrames(frames, staging)
      fastPath = w.file.path
      fastBase = w.file.size()
      fastRecords = records
      fastOffsets = entryOffsets[0]!
      return Effect.matchCauseEffect(w.file.append(chunks), fastWritten)
    })

  /**
   * Queues the append behind the one in progress, or writes it alone. `draining`
   * is set in the same uninterruptible step that starts the drain, so an
   * interruption can never leave it set with nobody draining.
   */
  const appendBatch = (records: ReadonlyArray<Uint8Array>, time: number): Effect.Effect<Appended, FileSystemError | LogClosedError> =>
    Effect.uninterruptibleMask((restore) => {
      // runs when the effect runs, not when it is built
      if (closed) return Effect.fail(closedError)
      if (draining) {
        const request: AppendRequest = { records, time, done: Deferred.makeUnsafe() }
        appendQueue.push(request)
        return restore(Deferred.await(request.done))
      }
      draining = true
      return lock.withPermit(appendAlone(records, time))
    })

  /** Completes when append `r` is as durable as the policy promises (none, sync, group commit). */
  const synced = (r: Appended): Effect.Effect<Appended, FileSystemError> => Effect.as(awaitDurable(r.seq), r)
  const committed = (r: Appended): Effect.Effect<Appended, FileSystemError> =>
    Effect.suspend(() => {
      const failure = failureOf(r.seq)
      if (failure !== undefined) return Effect.fail(failure)
      if (durable >= r.seq) return Effect.succeed(r)
      const done = Deferred.makeUnsafe<void, FileSystemError>()
      waiters.push({ seq: r.seq, done })
      return Effect.as(Deferred.await(done), r)
    })
  const appendDurably = (records: ReadonlyArray<Uint8Array>, time: number): Effect.Effect<Appended, WAL.WriteError> => {
    switch (durability._tag) {
      case "None":
        return appendBatch(records, time)
      case "Sync":
        return Effect.flatMap(appendBatch(records, time), synced)
      case "GroupCommit":
        return Effect.flatMap(appendBatch(records, time), committed)
    }
  }
  const handlesOf = (r: Appended) => r.handles
  const firstHandleOf = (r: Appended) => r.handles[0]!

  // The argument checks need no suspension: they depend on the arguments only.
  const writeBatch = (
    records: ReadonlyArray<Uint8Array>,
    time: number
  ): Effect.Effect<ReadonlyArray<WAL.RecordHandle>, WAL.WriteError> => {
    for (const r of records) {
      if (r.length > maxRecordBytes) return Effect.fail(new RecordTooLargeError({ size: r.length, maxRecordBytes }))
    }
    if (records.length === 0) return Effect.succeed<ReadonlyArray<WAL.RecordHandle>>([])
    return Effect.map(appendDurably(records, time), handlesOf)
  }

  const write = (record: Uint8Array, time: number): Effect.Effect<WAL.RecordHandle, WAL.WriteError> =>
    record.length > maxRecordBytes
      ? Effect.fail(new RecordTooLargeError({ size: record.length, maxRecordBytes }))
      : Effect.map(appendDurably([record], time), firstHandleOf)

  const close = lock.withPermit(Effect.suspend(() => {
    if (closed) return Effect.void
    closed = true
    // appends queued behind the close never reach the file
    const queued = appendQueue
    appendQueue = []
    for (const r of queued) Deferred.doneUnsafe(r.done, Exit.fail(closedError))
    return closeActive
  }))

  if (groupInterval !== undefined) {
    yield* Effect.forkIn(
      Effect.forever(Effect.andThen(Effect.sleep(groupInterval), Effect.ignore(syncOnce))),
      scope
    )
  }
  yield* Scope.addFinalizer(scope, Effect.ignore(close))

  const clean = (threshold: number, waitForCompletion: boolean) => {
    const run = Effect.gen(function*() {
      const files = yield* listLogFiles(directory).pipe(
        Effect.catchTag("FileNotFoundError", () => Effect.succeed<Array<LogFile>>([]))
      )
      const activePath = active?.file.path
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
        closed ? Effect.fail(closedError) : Effect.provideService(readDirectory(directory), FileSystem, fs)
      )
    ),
    clean,
    close
  }
  return service
})

export type MakeError = InvalidOptionError | DirectoryNotFoundError | DirectoryNotWritableError | FileSystemError
