/**
 * The driver's side of receiving: launches every receiver as a long-running
 * one-partition job on an executor, restarts it whenever that job ends while
 * the tracker runs, hears its supervisor's messages (RegisterReceiver,
 * AddBlock, ReportError, DeregisterReceiver), allocates the blocks reported
 * since the last batch to each new batch, forwards rate limits and stops
 * every receiver at the end. With the receiver write-ahead log on, block
 * reports, allocations and cleanups are logged before they are applied
 * (`<checkpointDir>/receivedBlockMetadata`), recovered from that log on a
 * restart before any receiver starts (a fresh context takes reports only once
 * its first checkpoint is on disk), and receivers hear `CleanupOldBlocks`.
 *
 * Mirrors `org.apache.spark.streaming.scheduler.ReceiverTracker`.
 *
 * @since 0.1.0
 */
import type { SparkContext } from "@tspark/core"
import { Cause, Clock, type Context, Effect, Exit, Fiber, Scope } from "effect"
import type { ReceiverInputDStream } from "../dstream/ReceiverInputDStream.js"
import type { ListenerBusLike } from "../internal/listenerBus.js"
import { type LoggedBlockTracker, openLoggedTracker } from "../internal/receivedBlockTrackerLog.js"
import { launchReceiverJob } from "../internal/receiverLaunch.js"
import {
  RECEIVER_TRACKER_ENDPOINT,
  receiverSupervisorEndpoint,
  type ToReceiverSupervisor,
  type ToReceiverTracker
} from "../internal/receiverMessages.js"
import { otherReceivers, scheduledTracking, toInfo, type Tracking } from "../internal/receiverTracking.js"
import { readWriteAheadLogSettings } from "../internal/writeAheadLogConf.js"
import type { Receiver } from "../receiver/Receiver.js"
import { ReceivedBlockTracker } from "./ReceivedBlockTracker.js"
import type { ReceivedBlockInfo } from "./ReceivedBlockInfo.js"
import type { ExecutorLocation, ReceiverInfo, ReceiverLocation } from "./ReceiverInfo.js"
import * as ReceiverSchedulingPolicy from "./ReceiverSchedulingPolicy.js"
import type { StreamingListenerEvent } from "./StreamingListener.js"

/**
 * The tracker's state (Spark's `TrackerState`).
 *
 * @category models
 * @since 0.1.0
 */
export type TrackerState = "Initialized" | "Started" | "Stopping" | "Stopped"

/**
 * The receiver tracker of one streaming context.
 *
 * **Example**
 * ```ts
 * const tracker = new ReceiverTracker(sc, [socketStream], bus, { checkpointDir: "/ckpt", recover: false })
 * yield* tracker.start()
 * yield* tracker.allocateBlocksToBatch(time)
 * tracker.getBlocksOfBatchAndStream(time, socketStream.inputStreamId)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class ReceiverTracker {
  private trackerState: TrackerState = "Initialized"
  readonly receivedBlockTracker: ReceivedBlockTracker
  private readonly tracking = new Map<number, Tracking>()
  private readonly streams = new Map<number, ReceiverInputDStream<unknown>>()
  /** The rate each stream was last limited to (backpressure or none). */
  private readonly rateLimits = new Map<number, number>()
  private services: Context.Context<never> | undefined
  private scope: Scope.Scope | undefined
  private unregister: (() => void) | undefined
  /** The block tracker behind its write-ahead log, once started with the log on. */
  private blockLog: LoggedBlockTracker | undefined

  constructor(
    private readonly sc: SparkContext.SparkContext,
    receiverStreams: ReadonlyArray<ReceiverInputDStream<unknown>>,
    private readonly listenerBus: ListenerBusLike<StreamingListenerEvent>,
    /**
     * The checkpoint directory (the write-ahead logs live there), whether the context restarts from it
     * and, for a fresh context, what completes once a checkpoint of it is on disk: with the log on, no
     * block is taken (nor acknowledged) before, since a start without a checkpoint discards the log.
     */
    private readonly options: {
      readonly checkpointDir?: string | undefined
      readonly recover?: boolean
      readonly untilRecoverable?: Effect.Effect<void> | undefined
    } = {}
  ) {
    for (const stream of receiverStreams) this.streams.set(stream.inputStreamId, stream)
    this.receivedBlockTracker = new ReceivedBlockTracker([...this.streams.keys()])
  }

  /** The tracker's state. */
  get state(): TrackerState {
    return this.trackerState
  }

  /** How many receivers the tracker runs. */
  get numReceivers(): number {
    return this.streams.size
  }

  /** What listeners and the UI show of each receiver. */
  get receiverInfos(): ReadonlyArray<ReceiverInfo> {
    return [...this.tracking.values()].map(toInfo)
  }

  /** The rate limit (records per second) last sent to a stream's receiver, if any. */
  rateLimitOf(streamId: number): number | undefined {
    return this.rateLimits.get(streamId)
  }

  /**
   * Opens the block tracker's write-ahead log (when on) and recovers from it,
   * registers the endpoint and launches every receiver (Spark's `start` and
   * `launchReceivers`). The receivers' jobs run in `scope`.
   */
  start(): Effect.Effect<void, never, Scope.Scope> {
    return Effect.gen({ self: this }, function*() {
      if (this.trackerState !== "Initialized" || this.streams.size === 0) {
        this.trackerState = "Started"
        return
      }
      this.services = yield* Effect.context<never>()
      this.scope = yield* Effect.scope
      const wal = readWriteAheadLogSettings(Object.fromEntries(this.sc.conf.entries))
      // The settings were checked by the start of the context: an invalid one only means no log here.
      if ("enabled" in wal) {
        const { checkpointDir, recover = false, untilRecoverable } = this.options
        this.blockLog = yield* openLoggedTracker(this.receivedBlockTracker, wal, checkpointDir, recover, untilRecoverable)
      }
      this.unregister = this.sc.rpcEnv.setupEndpoint(RECEIVER_TRACKER_ENDPOINT, {
        receive: (message) => this.receive(message as ToReceiverTracker),
        receiveAndReply: (message, from) => this.receiveAndReply(message as ToReceiverTracker, from)
      })
      yield* Scope.addFinalizer(this.scope, Effect.sync(() => this.unregister?.()))
      this.trackerState = "Started"
      const executors = this.executors()
      const receivers = [...this.streams.values()].map((stream) => ({
        streamId: stream.inputStreamId,
        preferredLocation: stream.receiver.preferredLocation
      }))
      const scheduled = ReceiverSchedulingPolicy.scheduleReceivers(receivers, executors)
      for (const stream of this.streams.values()) {
        const locations = scheduled.get(stream.inputStreamId) ?? []
        this.tracking.set(stream.inputStreamId, scheduledTracking(stream.inputStreamId, stream.receiver.constructor.name, locations))
        yield* this.startReceiver(stream.inputStreamId, stream.receiver, locations)
      }
      yield* Effect.logInfo(`ReceiverTracker started: ${this.streams.size} receivers`)
      if (this.streams.size >= this.sc.defaultParallelism) {
        // Spark warns alike: each receiver holds a core for as long as it runs.
        yield* Effect.logWarning(
          `${this.streams.size} receivers hold ${this.streams.size} of the ${this.sc.defaultParallelism} cores, leaving ` +
            "none for the batches: give the application more cores than receivers (e.g. local[n] with n > receivers)"
        )
      }
    })
  }

  /**
   * Stops every receiver (they push what they have stored), waits up to
   * 10 s for their jobs to end, then cancels what is left. Mirrors
   * `ReceiverTracker.stop(graceful)`.
   */
  stop(): Effect.Effect<void> {
    return Effect.gen({ self: this }, function*() {
      if (this.trackerState !== "Started") {
        this.trackerState = "Stopped"
        return
      }
      this.trackerState = "Stopping"
      // Blocks held until the context could be recovered are refused: it stopped first.
      this.blockLog?.holdNoMore()
      for (const info of this.tracking.values()) this.sendToReceiver(info, { _tag: "StopReceiver" })
      const jobs = [...this.tracking.values()].flatMap((info) => (info.job === undefined ? [] : [info.job]))
      const ended = yield* Effect.timeoutOption(Fiber.joinAll(jobs.map((job) => job.watcher)), "10 seconds")
      if (ended._tag === "None") {
        yield* Effect.logWarning("Not all of the receivers have deregistered within 10 seconds: cancelling their jobs")
        for (const job of jobs) yield* job.handle.cancel
        yield* Fiber.interruptAll(jobs.map((job) => job.watcher))
      }
      this.unregister?.()
      this.trackerState = "Stopped"
      yield* Effect.logInfo("ReceiverTracker stopped")
    })
  }

  /** Allocates every block reported since the last batch to batch `time` (idempotent per time), logged first when on. */
  allocateBlocksToBatch(time: number): Effect.Effect<void> {
    if (this.blockLog !== undefined) return Effect.asVoid(this.blockLog.allocateBlocksToBatch(time))
    return Effect.sync(() => {
      if (this.streams.size > 0) this.receivedBlockTracker.allocateBlocksToBatch(time)
    })
  }

  /** The blocks of one stream allocated to batch `time`. */
  getBlocksOfBatchAndStream(time: number, streamId: number): ReadonlyArray<ReceivedBlockInfo> {
    return this.receivedBlockTracker.getBlocksOfBatchAndStream(time, streamId)
  }

  /** Whether blocks have been reported that no batch has taken yet. */
  get hasUnallocatedBlocks(): boolean {
    return this.receivedBlockTracker.hasUnallocatedReceivedBlocks
  }

  /**
   * Forgets batches before `threshTime` (logged first, and the log's older
   * segments deleted, when on). Their blocks leave the executors with their
   * BlockRDDs (the generator's clearMetadata); receivers hear
   * `CleanupOldBlocks` only when they keep a write-ahead log, as Spark's.
   */
  cleanupOldBlocksAndBatches(threshTime: number): Effect.Effect<void> {
    if (this.streams.size === 0) return Effect.void
    if (this.blockLog === undefined) return Effect.sync(() => void this.receivedBlockTracker.cleanupOldBatches(threshTime))
    return Effect.map(this.blockLog.cleanupOldBatches(threshTime), () => {
      for (const info of this.tracking.values()) this.sendToReceiver(info, { _tag: "CleanupOldBlocks", threshTime })
    })
  }

  /** Sends a new rate limit to a stream's receiver (Spark's `sendRateUpdate`). */
  sendRateUpdate(streamId: number, elementsPerSecond: number): void {
    this.rateLimits.set(streamId, elementsPerSecond)
    const info = this.tracking.get(streamId)
    if (info !== undefined) this.sendToReceiver(info, { _tag: "UpdateRateLimit", elementsPerSecond })
  }

  // ------------------------------------------------------------ launching

  /** The live executors with their hosts, as the BlockManagerMaster knows them (Spark's `getExecutors`). */
  private executors(): Array<ExecutorLocation> {
    const alive = new Set(this.sc.executorIds)
    return this.sc.blockManagerMaster.blockManagers
      .filter((id) => alive.has(id.executorId))
      .map((id) => ({ executorId: id.executorId, host: id.host }))
  }

  private get shouldStartReceiver(): boolean {
    return this.trackerState === "Started"
  }

  /**
   * Runs `receiver` as a one-partition job preferring `locations`; when the
   * job ends for any reason while the tracker runs, starts it again (Spark's
   * `startReceiver` and `RestartReceiver`).
   */
  private startReceiver(
    streamId: number,
    receiver: Receiver<unknown>,
    locations: ReadonlyArray<ReceiverLocation>
  ): Effect.Effect<void> {
    return Effect.gen({ self: this }, function*() {
      const info = this.tracking.get(streamId)!
      if (!this.shouldStartReceiver) return
      const launched = yield* Effect.exit(
        launchReceiverJob(this.sc, receiver, streamId, locations.map(ReceiverSchedulingPolicy.formatLocation), this.options.checkpointDir)
      )
      if (Exit.isFailure(launched)) {
        // A receiver that cannot be shipped is refused at start (see `validateReceivers`); anything else is reported.
        this.noteError(info, "Could not launch the receiver's job", Cause.pretty(launched.cause))
        return
      }
      const handle = launched.value
      const launch = ++info.launches
      const watcher = yield* Effect.forkIn(
        Effect.gen({ self: this }, function*() {
          const exit = yield* Effect.exit(handle.await)
          if (!this.shouldStartReceiver) return
          if (Exit.isFailure(exit)) {
            yield* Effect.logWarning(
              `Receiver for stream ${streamId} ended with an error; restarting it: ${Cause.pretty(exit.cause)}`
            )
          } else {
            yield* Effect.logInfo(`Receiver for stream ${streamId} ended; restarting it`)
          }
          yield* this.restartReceiver(streamId, receiver)
        }),
        this.scope!
      )
      // A job that ended at once may already have been launched again.
      if (info.launches === launch) info.job = { handle, watcher }
    })
  }

  /** Chooses where to restart a receiver: where it was scheduled if still alive, else anew (Spark's `RestartReceiver`). */
  private restartReceiver(streamId: number, receiver: Receiver<unknown>): Effect.Effect<void> {
    return Effect.suspend(() => {
      const info = this.tracking.get(streamId)!
      const alive = new Set(this.sc.executorIds)
      const old = (info.scheduledLocations ?? []).filter((location) => location.executorId === undefined || alive.has(location.executorId))
      const locations = old.length > 0 ? old : this.reschedule(streamId)
      info.state = "SCHEDULED"
      info.scheduledLocations = locations
      return this.startReceiver(streamId, receiver, locations)
    })
  }

  /** Where a receiver may run now, as the scheduling policy weighs the other receivers (Spark's `scheduleReceiver`). */
  private reschedule(streamId: number): Array<ReceiverLocation> {
    const preferred = this.streams.get(streamId)?.receiver.preferredLocation
    return ReceiverSchedulingPolicy.rescheduleReceiver(streamId, preferred, otherReceivers(this.tracking, streamId), this.executors())
  }

  // ------------------------------------------------------------ the endpoint

  private receive(message: ToReceiverTracker): void {
    if (message._tag !== "ReportError") return
    const info = this.tracking.get(message.streamId)
    if (info === undefined) return
    this.noteError(info, message.message, message.error)
    this.post({ _tag: "ReceiverError", info: toInfo(info) })
  }

  private receiveAndReply(
    message: ToReceiverTracker,
    from: { readonly executorId: string; readonly host: string }
  ): boolean | Promise<boolean> {
    switch (message._tag) {
      case "RegisterReceiver":
        return this.registerReceiver(message.streamId, message.executorId || from.executorId, message.host || from.host)
      case "AddBlock":
        if (this.trackerState !== "Started" && this.trackerState !== "Stopping") return false
        // With the log on, the reply waits for the addition's write (a block is acknowledged once it is durable),
        // and the write until the context can be recovered.
        return this.blockLog === undefined || this.services === undefined
          ? this.receivedBlockTracker.addBlock(message.info)
          : Effect.runPromiseWith(this.services)(this.blockLog.addBlock(message.info))
      case "DeregisterReceiver": {
        const info = this.tracking.get(message.streamId)
        if (info === undefined) return false
        info.state = "INACTIVE"
        info.scheduledLocations = undefined
        if (message.error !== "") this.noteError(info, message.message, message.error)
        this.log("info", `Deregistered receiver for stream ${message.streamId}: ${message.message}`)
        this.post({ _tag: "ReceiverStopped", info: toInfo(info) })
        info.runningExecutor = undefined
        return true
      }
      case "ReportError":
        this.receive(message)
        return true
    }
  }

  /** Accepts a receiver only while the tracker runs and only on an executor it was scheduled to (Spark's `registerReceiver`). */
  private registerReceiver(streamId: number, executorId: string, host: string): boolean {
    const info = this.tracking.get(streamId)
    if (info === undefined || !this.shouldStartReceiver) return false
    const acceptable = info.scheduledLocations !== undefined && info.scheduledLocations.length > 0
      ? info.scheduledLocations
      : this.reschedule(streamId)
    const accepted = acceptable.some((location) =>
      location.executorId !== undefined ? location.executorId === executorId : location.host === host
    )
    if (!accepted) {
      const where = acceptable.map(ReceiverSchedulingPolicy.formatLocation).join(", ")
      this.log("warning", `Refused receiver for stream ${streamId} on executor ${executorId}: it is scheduled to ${where}`)
      return false
    }
    info.state = "ACTIVE"
    info.runningExecutor = { executorId, host }
    this.log("info", `Registered receiver for stream ${streamId} on executor ${executorId} (${host})`)
    this.post({ _tag: "ReceiverStarted", info: toInfo(info) })
    const rate = this.rateLimits.get(streamId)
    if (rate !== undefined) this.sendToReceiver(info, { _tag: "UpdateRateLimit", elementsPerSecond: rate })
    return true
  }

  private sendToReceiver(info: Tracking, message: ToReceiverSupervisor): void {
    if (info.state !== "ACTIVE" || info.runningExecutor === undefined) return
    this.sc.rpcEnv.sendToExecutor(info.runningExecutor.executorId, receiverSupervisorEndpoint(info.streamId), message)
  }

  private noteError(info: Tracking, message: string, error: string): void {
    const now = this.services === undefined ? Date.now() : Effect.runSyncWith(this.services)(Clock.currentTimeMillis)
    info.errorInfo = { lastErrorMessage: message, lastError: error, lastErrorTime: now }
    this.log("warning", `Error reported by receiver for stream ${info.streamId}: ${message}${error === "" ? "" : ` - ${error}`}`)
  }

  private post(event: StreamingListenerEvent): void {
    this.listenerBus.post(event)
  }

  private log(level: "info" | "warning", message: string): void {
    if (this.services === undefined) return
    const log = level === "info" ? Effect.logInfo(message) : Effect.logWarning(message)
    Effect.runForkWith(this.services)(log)
  }
}
