// Metadata checkpoints: written after every batch when a checkpoint
// directory is set (Spark's JobGenerator.doCheckpoint with its
// CheckpointWriter), read back and checked against the rebuilt graph by
// StreamingContext.getOrCreate (Spark's CheckpointReader and the recovering
// StreamingContext constructor).
import { CheckpointReader, CheckpointWriter, FileSystem } from "@tspark/checkpoint"
import { Deferred, Effect, Exit, Option, Scope } from "effect"
import * as path from "node:path"
import type { ContextCleaner, RDD, SparkError } from "@tspark/core"
import { ReliableCheckpointRDD } from "@tspark/core/rdd"
import type { Checkpoint, GraphShape } from "../Checkpoint.js"
import type { DStream } from "../dstream/DStream.js"
import { isReceiverInputDStream } from "../dstream/ReceiverInputDStream.js"
import type { DStreamGraph } from "../DStreamGraph.js"
import type { StreamingContext } from "../StreamingContext.js"
import { ReceiverConfigError } from "../receiver/ReceiverError.js"
import { CheckpointRecoveryError } from "../StreamingError.js"
import { removeUnreferencedRuns } from "./checkpointRuns.js"
import { firstDifference, orderedStreams, shapeOf } from "./graphShape.js"
import { readWriteAheadLogSettings, WAL_ENABLE_KEY } from "./writeAheadLogConf.js"
import { recoveryOf } from "./streamRecovery.js"

const isTimes = (value: unknown): value is ReadonlyArray<number> => Array.isArray(value) && value.every((t) => Number.isSafeInteger(t))

const isShape = (value: unknown): value is GraphShape => {
  if (typeof value !== "object" || value === null) return false
  const shape = value as Partial<GraphShape>
  return Number.isSafeInteger(shape.batchDurationMs) && Array.isArray(shape.streams) && isTimes(shape.outputs) &&
    shape.streams.every((s) =>
      typeof s === "object" && s !== null && typeof s.kind === "string" && Number.isFinite(s.slideMs) &&
      Number.isFinite(s.windowMs) && isTimes(s.parents)
    )
}

/** A checkpoint as the bytes of its file (JSON: no code, readable by hand). */
export const encode = (checkpoint: Checkpoint): Uint8Array => Buffer.from(JSON.stringify(checkpoint), "utf8")

/** A checkpoint read back from its bytes, or what is wrong with them (a file of another version or program). */
export const decode = (bytes: Uint8Array): Checkpoint | string => {
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"))
  } catch (error) {
    return `not a streaming checkpoint (${error instanceof Error ? error.message : String(error)})`
  }
  const c = value as Partial<Checkpoint>
  if (typeof value !== "object" || value === null || c.version !== 1) {
    return `not a streaming checkpoint of version 1 (version ${JSON.stringify(c?.version)})`
  }
  if (!Number.isSafeInteger(c.checkpointTime) || !Number.isSafeInteger(c.zeroTime) || !isTimes(c.pendingTimes)) {
    return "a streaming checkpoint without valid batch times"
  }
  if (!isShape(c.graph) || !Array.isArray(c.streams)) return "a streaming checkpoint without a valid graph"
  const isEntry = (e: unknown) => Array.isArray(e) && e.length === 2 && Number.isSafeInteger(e[0]) && typeof e[1] === "string"
  if (!Array.isArray(c.rddCheckpoints) || !c.rddCheckpoints.every((list) => Array.isArray(list) && list.every(isEntry))) {
    return "a streaming checkpoint without valid RDD checkpoints"
  }
  return c as Checkpoint
}

/** How many checkpoint files are kept (Spark keeps the newest ten). */
const KEEP = 10

/** Cleanups waiting for a checkpoint on disk (`afterNextDurable`) while writes fail: the oldest beyond this are dropped. */
const MAX_WAITING_ACTIONS = 16

/** What the streaming context runs with a checkpoint directory set. */
export interface MetadataCheckpointer {
  /** The JobGenerator's DoCheckpoint: writes the graph's checkpoint of batch `time`. */
  readonly doCheckpoint: (time: number) => Effect.Effect<void>
  /**
   * Writes the graph's checkpoint of its zero time (no batch pending yet) and waits until it is
   * on disk: a fresh context's first, written before its first batch, so that a crash from then on
   * restarts from it (and replays the block tracker's log) instead of starting afresh. A failed
   * write is logged; the next batch's checkpoint is the first one then.
   */
  readonly checkpointZeroTime: (zeroTime: number) => Effect.Effect<void>
  /** Completes once a checkpoint this writer made is on disk: from then on the context can be recovered. */
  readonly firstDurable: Effect.Effect<void>
  /**
   * Wraps the cleaner's `cleanupForgotten` so that the RDD checkpoint files
   * of forgotten batches stay until a metadata checkpoint made after they
   * were forgotten is on disk: until then, a crash recovers from a checkpoint
   * that still names them (Spark's ClearCheckpointData after a write).
   */
  readonly cleanupForgotten: (cleanup: CleanupForgotten) => CleanupForgotten
  /**
   * Runs `action` once a checkpoint made after this call is on disk (Spark's ClearCheckpointData,
   * posted once a write completes): the generator forgets old input then, since until then a restart
   * recovers from an older checkpoint whose pending batches still need it. A checkpoint that is not
   * written (failed, or skipped as older than one on disk) leaves the action to the next one written.
   * Each action must do all that the earlier ones do (a cleanup up to a later time): while writes
   * fail, at most `MAX_WAITING_ACTIONS` wait, the oldest dropped, so a failing disk grows nothing.
   */
  readonly afterNextDurable: (action: Effect.Effect<void>) => Effect.Effect<void>
}

type CleanupForgotten = (
  forgotten: ReadonlyArray<RDD.RDD<unknown>>,
  live: Iterable<RDD.RDD<unknown>>
) => Effect.Effect<ContextCleaner.CleanupSummary>

/** Each stream's remembered RDD checkpoints, their directories relative to `directory`. */
const rddCheckpointsOf = (directory: string, stream: DStream<unknown>): Array<[number, string]> => {
  const entries: Array<[number, string]> = []
  for (const [time, rdd] of stream.generatedRDDs) {
    const written = rdd.checkpointDirectory
    if (written !== undefined) entries.push([time, path.relative(directory, written)])
  }
  return entries.sort((a, b) => a[0] - b[0])
}

/**
 * A writer of the graph's metadata checkpoints into `directory`, living in
 * `scope`. A fiber of its own writes them, so a batch never waits for a disk;
 * a failed write is logged (the next checkpoint is written again) and never
 * fails a batch.
 */
export const metadataCheckpointer = (
  directory: string,
  graph: DStreamGraph,
  pendingTimes: () => ReadonlyArray<number>,
  scope: Scope.Scope
): Effect.Effect<MetadataCheckpointer, CheckpointRecoveryError> =>
  Effect.gen(function*() {
    const writer = yield* CheckpointWriter.make({ directory, keep: KEEP, createDirectory: true }).pipe(
      Scope.provide(scope),
      Effect.provide(FileSystem.layerLocal),
      Effect.mapError((e) => new CheckpointRecoveryError({ directory, message: `Cannot write checkpoints to ${directory}: ${e.message}` }))
    )
    // The graph is fixed once started: its shape and stream order are computed once.
    const shape = shapeOf(graph)
    const streams = orderedStreams(graph)
    // Checkpoints made so far, and the newest of them known to be on disk.
    let made = 0
    let durable = 0
    // Forgotten RDDs with checkpoint files, kept live until a checkpoint made after `made` is durable.
    const held: Array<{ readonly made: number; readonly rdds: ReadonlyArray<RDD.RDD<unknown>> }> = []
    // Actions waiting until a checkpoint made after `made` is durable, oldest first.
    const afterDurable: Array<{ readonly made: number; readonly action: Effect.Effect<void> }> = []
    // One write at a time, and only the newest checkpoint waits for it: one made while another waits
    // supersedes it, so a disk slower than the batches delays checkpoints instead of queueing them.
    let waiting: { readonly sequence: number; readonly time: number; readonly bytes: Uint8Array } | undefined
    let writing = false
    const firstDurable = Deferred.makeUnsafe<void>()
    const write = (next: { readonly sequence: number; readonly time: number; readonly bytes: Uint8Array }) =>
      Effect.gen(function*() {
        const outcome = yield* writer.writeAndAwait(next.bytes, next.time).pipe(
          Effect.catch((e) =>
            Effect.as(Effect.logWarning(`Checkpoint of batch ${next.time} not written to ${directory}: ${e.message}`), undefined)
          )
        )
        if (outcome?._tag === "Written") {
          durable = Math.max(durable, next.sequence)
          Deferred.doneUnsafe(firstDurable, Exit.void)
          while (afterDurable.length > 0 && afterDurable[0]!.made < durable) yield* afterDurable.shift()!.action
        }
      })
    const writeWaiting: Effect.Effect<void> = Effect.gen(function*() {
      for (let next = waiting; next !== undefined; next = waiting) {
        waiting = undefined
        yield* write(next)
      }
      writing = false
    })
    const checkpointOf = (time: number): Checkpoint => ({
      version: 1,
      checkpointTime: time,
      zeroTime: graph.zeroTime ?? 0,
      pendingTimes: [...pendingTimes()].sort((a, b) => a - b),
      graph: shape,
      streams: streams.map((stream) => {
        const recovery = recoveryOf(stream)
        return recovery?._tag === "Restorable" ? recovery.save() : null
      }),
      rddCheckpoints: streams.map((stream) => rddCheckpointsOf(directory, stream))
    })
    return {
      doCheckpoint: (time) =>
        Effect.suspend(() => {
          waiting = { sequence: ++made, time, bytes: encode(checkpointOf(time)) }
          if (writing) return Effect.void
          writing = true
          // Uninterruptible: closing the scope (stop) waits until the newest checkpoint is written.
          return Effect.asVoid(Effect.forkIn(Effect.uninterruptible(writeWaiting), scope))
        }),
      checkpointZeroTime: (zeroTime) =>
        Effect.suspend(() => Effect.uninterruptible(write({ sequence: ++made, time: zeroTime, bytes: encode(checkpointOf(zeroTime)) }))),
      firstDurable: Deferred.await(firstDurable),
      afterNextDurable: (action) =>
        Effect.sync(() => {
          // A later action does the earlier ones' work: one per checkpoint made, and a bounded few.
          if (afterDurable.length > 0 && afterDurable[afterDurable.length - 1]!.made === made) afterDurable.pop()
          afterDurable.push({ made, action })
          if (afterDurable.length > MAX_WAITING_ACTIONS) afterDurable.shift()
        }),
      cleanupForgotten: (cleanup) => (forgotten, live) =>
        Effect.suspend(() => {
          const checkpointed = forgotten.filter((rdd) => rdd.checkpointDirectory !== undefined)
          if (checkpointed.length > 0) held.push({ made, rdds: checkpointed })
          const released: Array<RDD.RDD<unknown>> = []
          while (held.length > 0 && held[0]!.made < durable) released.push(...held.shift()!.rdds)
          return cleanup([...forgotten, ...released], [...live, ...held.flatMap((h) => h.rdds)])
        })
    }
  })

/** The newest valid checkpoint in `directory` (the reader logs each newer file it skipped, and why), if any. */
export const readCheckpoint = (directory: string): Effect.Effect<Checkpoint | undefined, CheckpointRecoveryError> =>
  Effect.gen(function*() {
    const result = yield* CheckpointReader.read(directory).pipe(
      Effect.provide(FileSystem.layerLocal),
      Effect.mapError((e) => new CheckpointRecoveryError({ directory, message: `Cannot read checkpoints in ${directory}: ${e.message}` }))
    )
    if (Option.isNone(result.checkpoint)) return undefined
    const { data, path: file } = result.checkpoint.value
    const checkpoint = decode(data)
    if (typeof checkpoint === "string") {
      return yield* new CheckpointRecoveryError({
        directory,
        message: `The newest checkpoint ${file} is ${checkpoint}: point getOrCreate at this application's checkpoint directory`
      })
    }
    yield* Effect.logInfo(`Recovering from checkpoint ${file} (batch ${checkpoint.checkpointTime})`)
    return checkpoint
  })

/**
 * Checks that `graph` (built again by the application) can take the
 * checkpoint's state, and restores each stream's: the same shape, no stream
 * whose RDDs cannot be recovered (a queue stream's), every RDD checkpoint it
 * names readable (all are read before anything is restored, so a refused
 * recovery leaves the graph as it was built). Receiver streams get back the
 * blocks received before the crash from the receiver write-ahead log (the
 * block tracker rebuilds its allocations from its own log when the receivers
 * start); with the log off they are lost, and a warning says so.
 */
export const restoreGraph = (
  directory: string,
  checkpoint: Checkpoint,
  graph: DStreamGraph
): Effect.Effect<void, CheckpointRecoveryError> =>
  Effect.gen(function*() {
    const refuse = (message: string) => new CheckpointRecoveryError({ directory: path.resolve(directory), message })
    const difference = firstDifference(checkpoint.graph, shapeOf(graph))
    if (difference !== undefined) {
      return yield* refuse(
        `The application's streams do not match the checkpoint in ${directory}: ${difference}. Build the same graph ` +
          `(functions may change), or start from an empty checkpoint directory`
      )
    }
    const streams = orderedStreams(graph)
    for (const [i, stream] of streams.entries()) {
      const recovery = recoveryOf(stream)
      if (recovery?._tag === "Unrecoverable") return yield* refuse(`${stream.kind.name}[${i}] cannot be recovered: ${recovery.reason}`)
    }
    // Every RDD checkpoint is read before anything is restored: a refused recovery leaves the graph as create built it.
    const restored: Array<Array<readonly [number, RDD.RDD<unknown>]>> = []
    for (const [i, stream] of streams.entries()) {
      const rdds: Array<readonly [number, RDD.RDD<unknown>]> = []
      for (const [time, relative] of checkpoint.rddCheckpoints[i] ?? []) {
        const rdd = yield* ReliableCheckpointRDD.checkpointFile(stream.context.sparkContext, path.resolve(directory, relative)).pipe(
          Effect.mapError((e) =>
            refuse(
              `The state of ${stream.kind.name}[${i}] at batch ${time} cannot be restored: ${e.message}. Start from an ` +
                `empty checkpoint directory to begin again without it`
            )
          )
        )
        rdds.push([time, rdd])
      }
      restored.push(rdds)
    }
    graph.restartPoint = checkpoint
    const settings = readWriteAheadLogSettings(Object.fromEntries(streams[0]?.context.sparkContext.conf.entries ?? []))
    const walEnabled = !(settings instanceof ReceiverConfigError) && settings.enabled
    for (const [i, stream] of streams.entries()) {
      const recovery = recoveryOf(stream)
      const state = checkpoint.streams[i]
      if (recovery?._tag === "Restorable" && state !== null && state !== undefined) recovery.restore(state)
      for (const [time, rdd] of restored[i]!) stream.generatedRDDs.set(time, rdd)
      // With the receiver write-ahead log on, the receivers' logs and the block tracker's log bring those blocks back.
      if (isReceiverInputDStream(stream) && !walEnabled) {
        yield* Effect.logWarning(
          `${stream.kind.name}[${i}] recovers without the blocks it received before the restart that no batch ` +
            `completed: they are lost unless ${WAL_ENABLE_KEY} is set to true (with a checkpoint directory)`
        )
      }
    }
  })

/** `StreamingContext.getOrCreate`: read the checkpoint, build the graph with `create`, restore it. */
export const getOrCreate = <E, R>(
  checkpointDir: string,
  create: () => Effect.Effect<StreamingContext, E, R>
): Effect.Effect<StreamingContext, E | CheckpointRecoveryError | SparkError.InvalidArgumentError, R> =>
  Effect.gen(function*() {
    const checkpoint = yield* readCheckpoint(checkpointDir)
    const ssc = yield* create()
    if (ssc.checkpointDir === undefined) yield* ssc.checkpoint(checkpointDir)
    // A refused recovery stops the context create made (not its SparkContext), so that the caller can try again.
    const refused = (error: CheckpointRecoveryError) => Effect.andThen(ssc.stop({ stopSparkContext: false }), Effect.fail(error))
    if (ssc.checkpointDir !== path.resolve(checkpointDir)) {
      return yield* refused(
        new CheckpointRecoveryError({
          directory: checkpointDir,
          message: `create() set the checkpoint directory ${ssc.checkpointDir}, but getOrCreate recovers from ` +
            `${path.resolve(checkpointDir)}: give both the same directory`
        })
      )
    }
    if (checkpoint !== undefined) {
      yield* Effect.catch(restoreGraph(checkpointDir, checkpoint, ssc.graph), refused)
      yield* removeUnreferencedRuns(ssc.checkpointDir, checkpoint, ssc.sparkContext.checkpointDir)
    }
    return ssc
  })
