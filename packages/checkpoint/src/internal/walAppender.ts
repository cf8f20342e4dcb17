import { type Cause, Deferred, Effect, Exit, type Scope, type Semaphore } from "effect"
import type { FileSystemError, LogClosedError } from "../Errors.js"
import type * as WAL from "../WriteAheadLog.js"
import * as format from "./walFormat.js"
import type { Active, Appended, LogState } from "./walState.js"

interface AppendRequest {
  readonly records: ReadonlyArray<Uint8Array>
  readonly time: number
  readonly done: Deferred.Deferred<Appended, FileSystemError | LogClosedError>
}

const MAX_COMBINED_BYTES = 8 * 1024 * 1024

/**
 * Writes appends to the active file, under the log's lock, one write call
 * per round. Write combining: appends queue here; one fiber at a time (the
 * "drainer", under the lock) writes every queued frame that belongs in the
 * active file with a single write call. Each request keeps its own frame, so
 * the format and the handles are the same as for one append at a time.
 *
 * Fast path: an append that finds no other append in progress (`draining`
 * is false, so the queue is empty) becomes the drainer of its own frame
 * alone: under the lock it encodes and writes the frame directly, with no
 * request, Deferred or drain round. Appends that arrive meanwhile queue as
 * usual and are handed to a drainer fiber when it ends. The rules are those
 * of `appendTo`: a failed write marks the file broken and acknowledges
 * nothing; `appended` counts the append only once its bytes are written. A
 * write that must roll (or finds the log closed or the file broken) goes
 * through the queue, first in line.
 */
export class Appender {
  private queue: Array<AppendRequest> = []
  private draining = false
  /**
   * Staging buffer for frame headers, checksums and small records, reused:
   * appends run one at a time under the lock, so the previous write has
   * completed before it is filled again. Large records are not copied (see
   * `format.encodeFrames`).
   */
  private staging: Uint8Array = new Uint8Array(64 * 1024)
  // The lock admits one fast write at a time, so its state lives here rather than in a per-write closure.
  private fastPath = ""
  private fastBase = 0
  private fastRecords: ReadonlyArray<Uint8Array> = []
  private fastOffsets: ReadonlyArray<number> = []
  private fastChain = 0
  private fastDigest = 0

  private readonly state: LogState
  private readonly lock: Semaphore.Semaphore
  private readonly scope: Scope.Scope
  /** The writer for `time`, rolling to a new file when `time` is past the active file's end. Call under the lock. */
  private readonly writerFor: (time: number) => Effect.Effect<Active, FileSystemError>

  constructor(
    state: LogState,
    lock: Semaphore.Semaphore,
    scope: Scope.Scope,
    writerFor: (time: number) => Effect.Effect<Active, FileSystemError>
  ) {
    this.state = state
    this.lock = lock
    this.scope = scope
    this.writerFor = writerFor
  }

  /** Fails every queued append with `LogClosedError`: appends queued behind the close never reach the file. */
  failQueued(): void {
    const queued = this.queue
    this.queue = []
    for (const r of queued) Deferred.doneUnsafe(r.done, Exit.fail(this.state.closedError))
  }

  /**
   * Encodes `frames` (format version 2, continuing the active segment's
   * chain) into the staging buffer; returns the chunks to write, each
   * record's offset in them and the chain value after them, which becomes
   * the segment's only once the write succeeds.
   */
  private encode(frames: ReadonlyArray<ReadonlyArray<Uint8Array>>) {
    const staged = format.stagedLength(frames, format.COPY_LIMIT, 2)
    if (this.staging.length < staged) this.staging = new Uint8Array(Math.max(staged, this.staging.length * 2))
    return format.encodeFrames(frames, this.staging, format.COPY_LIMIT, this.state.chain ?? 0, this.state.digest)
  }

  /** Appends the frames of `batch` to `w` with one write call. Call under the lock. */
  private appendTo(w: Active, batch: ReadonlyArray<AppendRequest>): Effect.Effect<void> {
    const state = this.state
    const frames: Array<ReadonlyArray<Uint8Array>> = new Array(batch.length)
    for (let i = 0; i < batch.length; i++) frames[i] = batch[i]!.records
    const { chain, chunks, digest, entryOffsets } = this.encode(frames)
    const base = w.file.size()
    const write = w.file.append(chunks)
    return write.pipe(
      Effect.exit,
      Effect.map((exit) => {
        if (exit._tag === "Failure") {
          // a failed append may leave a partial frame: never append after it
          state.broken = true
          const failed = Exit.failCause(exit.cause)
          for (const r of batch) Deferred.doneUnsafe(r.done, failed)
          return
        }
        if (state.broken) {
          const failed = Exit.fail(state.brokenInFlight(w.file.path))
          for (const r of batch) Deferred.doneUnsafe(r.done, failed)
          return
        }
        state.chain = chain
        state.digest = digest
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
          Deferred.doneUnsafe(batch[b]!.done, Exit.succeed({ handles, seq: ++state.appended }))
        }
      })
    )
  }

  /** Writes the queued appends that fit the active file (rolling first if the oldest needs it). */
  private readonly drainRound: Effect.Effect<void> = Effect.suspend(() => {
    const state = this.state
    if (this.queue.length === 0) return Effect.void
    if (state.closed) {
      this.failQueued()
      return Effect.void
    }
    const head = this.queue[0]!
    const current = state.active
    const writer: Effect.Effect<Active, FileSystemError> = current !== undefined && head.time < current.end && !state.broken
      ? Effect.succeed(current)
      : this.writerFor(head.time)
    return Effect.matchEffect(writer, {
      onFailure: (error) =>
        Effect.sync(() => {
          this.queue.shift()
          Deferred.doneUnsafe(head.done, Exit.fail(error))
        }),
      onSuccess: (w) => {
        const queue = this.queue
        let n = 0
        let bytes = 0
        while (n < queue.length && queue[n]!.time < w.end && (n === 0 || bytes < MAX_COMBINED_BYTES)) {
          for (const r of queue[n]!.records) bytes += r.length
          n++
        }
        const batch = queue.slice(0, n)
        this.queue = queue.slice(n)
        return this.appendTo(w, batch)
      }
    })
  })

  /** Drains until `own` is done; if requests remain, hands the queue to a new drainer fiber. */
  private readonly drain = (own: AppendRequest): Effect.Effect<void> =>
    Effect.suspend(() => {
      if (!Deferred.isDoneUnsafe(own.done) && this.queue.length > 0) return Effect.andThen(this.drainRound, this.drain(own))
      if (this.queue.length === 0) {
        this.draining = false
        return Effect.void
      }
      return Effect.asVoid(Effect.forkIn(this.drainAll, this.scope))
    })

  private readonly drainAll: Effect.Effect<void> = Effect.suspend(() => {
    if (this.queue.length === 0) {
      this.draining = false
      return Effect.void
    }
    return Effect.andThen(this.lock.withPermit(Effect.uninterruptible(this.drainRound)), this.drainAll)
  })

  /** Ends a fast write: hands appends that queued meanwhile to a drainer. */
  private readonly endFast = <A, E>(result: Effect.Effect<A, E>): Effect.Effect<A, E> => {
    this.fastRecords = []
    this.fastOffsets = []
    if (this.queue.length === 0) {
      this.draining = false
      return result
    }
    return Effect.andThen(Effect.forkIn(this.drainAll, this.scope), result)
  }

  private readonly fastWritten = {
    onFailure: (cause: Cause.Cause<FileSystemError>) => {
      // a failed append may leave a partial frame: never append after it
      this.state.broken = true
      return this.endFast(Effect.failCause(cause))
    },
    onSuccess: () => {
      const state = this.state
      if (state.broken) return this.endFast(Effect.fail(state.brokenInFlight(this.fastPath)))
      state.chain = this.fastChain
      state.digest = this.fastDigest
      const records = this.fastRecords
      const offsets = this.fastOffsets
      const path = this.fastPath
      const base = this.fastBase
      const handles: Array<WAL.RecordHandle> = new Array(records.length)
      for (let i = 0; i < records.length; i++) {
        handles[i] = { path, offset: base + offsets[i]!, length: format.ENTRY_OVERHEAD + records[i]!.length }
      }
      return this.endFast(Effect.succeed<Appended>({ handles, seq: ++state.appended }))
    }
  }

  /** Appends `records` as the only append in progress. Call under the lock, with `draining` set. */
  private readonly appendAlone = (
    records: ReadonlyArray<Uint8Array>,
    time: number
  ): Effect.Effect<Appended, FileSystemError | LogClosedError> =>
    Effect.suspend(() => {
      const state = this.state
      const w = state.active
      if (state.closed || w === undefined || time >= w.end || state.broken) {
        const request: AppendRequest = { records, time, done: Deferred.makeUnsafe() }
        // appends that queued while this one waited for the lock came after it
        this.queue.unshift(request)
        return Effect.andThen(this.drain(request), Deferred.await(request.done))
      }
      const { chain, chunks, digest, entryOffsets } = this.encode([records])
      this.fastChain = chain
      this.fastDigest = digest
      this.fastPath = w.file.path
      this.fastBase = w.file.size()
      this.fastRecords = records
      this.fastOffsets = entryOffsets[0]!
      return Effect.matchCauseEffect(w.file.append(chunks), this.fastWritten)
    })

  /**
   * Queues the append behind the one in progress, or writes it alone. `draining`
   * is set in the same uninterruptible step that starts the drain, so an
   * interruption can never leave it set with nobody draining.
   */
  readonly append = (records: ReadonlyArray<Uint8Array>, time: number): Effect.Effect<Appended, FileSystemError | LogClosedError> =>
    Effect.uninterruptibleMask((restore) => {
      // runs when the effect runs, not when it is built
      if (this.state.closed) return Effect.fail(this.state.closedError)
      if (this.draining) {
        const request: AppendRequest = { records, time, done: Deferred.makeUnsafe() }
        this.queue.push(request)
        return restore(Deferred.await(request.done))
      }
      this.draining = true
      return this.lock.withPermit(this.appendAlone(records, time))
    })
}
