// The driver's ReceivedBlockTracker with its write-ahead log (Spark's
// ReceivedBlockTracker with writeAheadLogOption): every change is written to
// <checkpointDir>/receivedBlockMetadata before it is applied, a change whose
// write fails is not applied, and after a driver restart the tracker is
// rebuilt from the log before any receiver starts.
import { BatchedWriteAheadLog, FileSystem, FileWriteAheadLog, WriteAheadLog } from "@tspark/checkpoint"
import { Clock, Deferred, Effect, Exit, type Scope, Semaphore } from "effect"
import * as v8 from "node:v8"
import type { ReceivedBlockInfo } from "../scheduler/ReceivedBlockInfo.js"
import type { ReceivedBlockTracker, ReceivedBlockTrackerLogEvent } from "../scheduler/ReceivedBlockTracker.js"
import { trackerLogDirectory, type WriteAheadLogSettings } from "./writeAheadLogConf.js"

/** The event format's version, inside the log's own versioned, checksummed frame. */
const EVENT_VERSION = 1

/** An event as the bytes of its log record: V8's structured clone (Maps and the receivers' metadata as they are). */
export const encodeEvent = (event: ReceivedBlockTrackerLogEvent): Uint8Array => v8.serialize({ version: EVENT_VERSION, event })

/** An event read back, or why the record is not one (another program's log, a newer version). */
export const decodeEvent = (bytes: Uint8Array): ReceivedBlockTrackerLogEvent | string => {
  let value: unknown
  try {
    value = v8.deserialize(bytes)
  } catch (error) {
    return `not a block tracker event (${error instanceof Error ? error.message : String(error)})`
  }
  const envelope = value as { readonly version?: unknown; readonly event?: { readonly _tag?: unknown } } | null
  if (typeof envelope !== "object" || envelope === null || envelope.version !== EVENT_VERSION) {
    return `not a block tracker event of version ${EVENT_VERSION} (version ${String(envelope?.version)})`
  }
  const tag = envelope.event?._tag
  if (tag !== "BlockAddition" && tag !== "BatchAllocation" && tag !== "BatchCleanup") return `an unknown event ${String(tag)}`
  return envelope.event as ReceivedBlockTrackerLogEvent
}

export type Log = WriteAheadLog.WriteAheadLog["Service"]

/** Opens the tracker's log in `directory` (created when missing), batching concurrent writes unless told not to. */
export const openTrackerLog = (
  directory: string,
  settings: Pick<WriteAheadLogSettings, "driverRollingMs" | "driverBatching">
): Effect.Effect<Log, FileWriteAheadLog.MakeError, Scope.Scope> =>
  Effect.gen(function*() {
    const file = yield* FileWriteAheadLog.make({
      directory,
      rollingIntervalMillis: settings.driverRollingMs,
      durability: WriteAheadLog.sync(),
      createDirectory: true
    }).pipe(Effect.provide(FileSystem.layerLocal))
    // Block reports of several receivers arrive together: one frame and one sync for all of them (Spark's allowBatching).
    return settings.driverBatching ? yield* BatchedWriteAheadLog.make(file).pipe(Effect.orDie) : file
  })

/**
 * The tracker behind its log. Additions are written as they come (concurrent ones share a
 * sync); allocations and cleanups are written one at a time. An allocation names the blocks
 * it takes, so an addition written while it was being written stays queued (see `recover`).
 * A tracker made `held` takes no block until `recoverable`: a fresh context's, whose next
 * start would discard this log until a checkpoint of it is on disk (see `discardOldEvents`).
 */
export class LoggedBlockTracker {
  /** Allocations and cleanups, one at a time: each is built from the state the previous one left. */
  private readonly batchLock = Semaphore.makeUnsafe(1)
  /** Whether blocks are taken: true once the context can be recovered, false if it never could (stopped first). */
  private readonly takesBlocks = Deferred.makeUnsafe<boolean>()

  constructor(
    readonly tracker: ReceivedBlockTracker,
    private readonly log: Log,
    private readonly directory: string,
    held = false
  ) {
    if (!held) this.recoverable()
  }

  /** The context can be recovered from now on: held additions go ahead. */
  recoverable(): void {
    Deferred.doneUnsafe(this.takesBlocks, Exit.succeed(true))
  }

  /** The context stops before it could be recovered: additions still held are refused (no-op once recoverable). */
  holdNoMore(): void {
    Deferred.doneUnsafe(this.takesBlocks, Exit.succeed(false))
  }

  private write(event: ReceivedBlockTrackerLogEvent, time: number): Effect.Effect<boolean> {
    return this.log.write(encodeEvent(event), time).pipe(
      Effect.as(true),
      Effect.catch((e) =>
        Effect.as(
          Effect.logError(
            `Could not write the ${event._tag} event to the block tracker's write-ahead log in ${this.directory}, ` +
              `so the change is not applied: ${e.message}`
          ),
          false
        )
      )
    )
  }

  /**
   * Writes the block's addition, then queues it; `false` (logged) when it is not written or its
   * stream is unknown. A held tracker waits until `recoverable` (`false` after `holdNoMore`).
   */
  addBlock(info: ReceivedBlockInfo): Effect.Effect<boolean> {
    return Effect.gen({ self: this }, function*() {
      if (!this.tracker.streamIds.includes(info.streamId)) return false
      if (!(yield* Deferred.await(this.takesBlocks))) return false
      const event: ReceivedBlockTrackerLogEvent = { _tag: "BlockAddition", info }
      if (!(yield* this.write(event, yield* Clock.currentTimeMillis))) return false
      this.tracker.applyEvent(event)
      return true
    })
  }

  /** Writes and applies the allocation of batch `time` (nothing for a time already allocated, as after a restart). */
  allocateBlocksToBatch(time: number): Effect.Effect<boolean> {
    return this.batchLock.withPermit(Effect.gen({ self: this }, function*() {
      const event = this.tracker.allocationFor(time)
      if (event === undefined) return false
      if (!(yield* this.write(event, time))) {
        yield* Effect.logError(`Batch ${time} gets no received blocks: they stay queued for the next batch`)
        return false
      }
      this.tracker.applyEvent(event)
      return true
    }))
  }

  /** Writes and applies the cleanup of the batches before `threshTime`, then deletes the log's older segments. */
  cleanupOldBatches(threshTime: number): Effect.Effect<ReadonlyArray<ReceivedBlockInfo>> {
    return this.batchLock.withPermit(Effect.gen({ self: this }, function*() {
      const event = this.tracker.cleanupFor(threshTime)
      if (event.times.length > 0) {
        const removed = event.times.flatMap((t) => [...this.tracker.getBlocksOfBatch(t).values()].flat())
        if (!(yield* this.write(event, threshTime))) return []
        this.tracker.applyEvent(event)
        yield* this.cleanLog(threshTime)
        return removed
      }
      yield* this.cleanLog(threshTime)
      return []
    }))
  }

  private cleanLog(threshTime: number): Effect.Effect<void> {
    return this.log.clean(threshTime, true).pipe(
      Effect.catch((e) =>
        Effect.logWarning(`Could not clean the block tracker's write-ahead log in ${this.directory} before ${threshTime}: ${e.message}`)
      )
    )
  }
}

/**
 * Rebuilds `tracker` from the log's events, in write order (Spark's `recoverPastEvents`). A torn
 * tail (the driver died mid-write) and damaged records are skipped and logged: the events before
 * them are kept, and a change whose event was not written completely was never applied.
 */
export const recoverTracker = (tracker: ReceivedBlockTracker, log: Log, directory: string): Effect.Effect<number> =>
  Effect.gen(function*() {
    const all = yield* log.readAll.pipe(
      Effect.catch((e) =>
        Effect.as(
          Effect.logError(`Could not read the block tracker's write-ahead log in ${directory}; recovering without it: ${e.message}`),
          { records: [], problems: [] } satisfies WriteAheadLog.ReadAllResult
        )
      )
    )
    for (const problem of all.problems) {
      yield* Effect.logWarning(
        `Skipped ${problem._tag} in the block tracker's write-ahead log at ${problem.path}:${problem.offset}` +
          ("reason" in problem ? `: ${problem.reason}` : ` (${problem.bytes} bytes)`)
      )
    }
    const events: Array<ReceivedBlockTrackerLogEvent> = []
    for (const record of all.records) {
      const event = decodeEvent(record.data)
      if (typeof event === "string") {
        yield* Effect.logWarning(`Skipped a record of the block tracker's log at ${record.handle.path}:${record.handle.offset}: ${event}`)
      } else {
        events.push(event)
      }
    }
    tracker.recover(events)
    yield* Effect.logInfo(
      `Recovered the received block tracker from ${events.length} events in ${directory}: last allocated batch ` +
        `${tracker.lastAllocatedBatchTime ?? "none"}, ${tracker.allocatedBatchCount} batches remembered`
    )
    return events.length
  })

/**
 * A fresh start (no checkpoint to recover from): the events of an earlier run name batches this
 * run will not have, so they are deleted (they could only be recovered with that run's checkpoint).
 */
export const discardOldEvents = (log: Log, directory: string): Effect.Effect<void> =>
  log.clean(WriteAheadLog.MAX_TIME, true).pipe(
    Effect.catch((e) => Effect.logWarning(`Could not delete an earlier run's block tracker events in ${directory}: ${e.message}`))
  )

/**
 * The tracker's log when the receiver write-ahead log is on (and there is a checkpoint
 * directory): opened in the current scope, then the tracker recovered from it (`recover`: the
 * context restarts from a checkpoint) or its earlier events discarded. Given `untilRecoverable`
 * (a fresh context's first checkpoint on disk), the tracker takes no block before it completes.
 * A log that cannot be opened is logged as an error, and the tracker runs without one.
 */
export const openLoggedTracker = (
  tracker: ReceivedBlockTracker,
  settings: WriteAheadLogSettings,
  checkpointDir: string | undefined,
  recover: boolean,
  untilRecoverable?: Effect.Effect<void>
): Effect.Effect<LoggedBlockTracker | undefined, never, Scope.Scope> =>
  Effect.gen(function*() {
    if (!settings.enabled || checkpointDir === undefined) return undefined
    const directory = trackerLogDirectory(checkpointDir)
    const opened = yield* Effect.result(openTrackerLog(directory, settings))
    if (opened._tag === "Failure") {
      yield* Effect.logError(
        `Could not open the block tracker's write-ahead log in ${directory}; received blocks will not be recovered ` +
          `after a driver restart: ${opened.failure.message}`
      )
      return undefined
    }
    const log = opened.success
    yield* recover ? recoverTracker(tracker, log, directory) : discardOldEvents(log, directory)
    const logged = new LoggedBlockTracker(tracker, log, directory, untilRecoverable !== undefined)
    if (untilRecoverable !== undefined) yield* Effect.forkScoped(Effect.andThen(untilRecoverable, Effect.sync(() => logged.recoverable())))
    return logged
  })
