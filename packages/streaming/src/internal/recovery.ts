// Metadata checkpoints: written after every batch when a checkpoint
// directory is set (Spark's JobGenerator.doCheckpoint with its
// CheckpointWriter), read back and checked against the rebuilt graph by
// StreamingContext.getOrCreate (Spark's CheckpointReader and the recovering
// StreamingContext constructor).
import { CheckpointReader, CheckpointWriter, FileSystem } from "@tspark/checkpoint"
import { Effect, Option, Scope } from "effect"
import * as path from "node:path"
import type { SparkError } from "@tspark/core"
import type { Checkpoint, GraphShape } from "../Checkpoint.js"
import { isReceiverInputDStream } from "../dstream/ReceiverInputDStream.js"
import type { DStreamGraph } from "../DStreamGraph.js"
import type { StreamingContext } from "../StreamingContext.js"
import { CheckpointRecoveryError } from "../StreamingError.js"
import { firstDifference, orderedStreams, shapeOf } from "./graphShape.js"
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
  return c as Checkpoint
}

/** How many checkpoint files are kept (Spark keeps the newest ten). */
const KEEP = 10

/**
 * A writer of the graph's metadata checkpoints into `directory`, living in
 * `scope`; the returned function is the JobGenerator's DoCheckpoint. Writes
 * are queued and ordered by the writer; a failed write is logged (the next
 * batch writes again), and never fails a batch.
 */
export const metadataCheckpointer = (
  directory: string,
  graph: DStreamGraph,
  pendingTimes: () => ReadonlyArray<number>,
  scope: Scope.Scope
): Effect.Effect<(time: number, clearCheckpointDataLater: boolean) => Effect.Effect<void>, CheckpointRecoveryError> =>
  Effect.gen(function*() {
    const writer = yield* CheckpointWriter.make({ directory, keep: KEEP, createDirectory: true }).pipe(
      Scope.provide(scope),
      Effect.provide(FileSystem.layerLocal),
      Effect.mapError((e) => new CheckpointRecoveryError({ directory, message: `Cannot write checkpoints to ${directory}: ${e.message}` }))
    )
    // The graph is fixed once started: its shape and stream order are computed once.
    const shape = shapeOf(graph)
    const streams = orderedStreams(graph)
    let reported: unknown = undefined
    return (time: number) =>
      Effect.gen(function*() {
        const checkpoint: Checkpoint = {
          version: 1,
          checkpointTime: time,
          zeroTime: graph.zeroTime ?? 0,
          pendingTimes: [...pendingTimes()].sort((a, b) => a - b),
          graph: shape,
          streams: streams.map((stream) => {
            const recovery = recoveryOf(stream)
            return recovery?._tag === "Restorable" ? recovery.save() : null
          })
        }
        yield* writer.write(encode(checkpoint), time).pipe(
          Effect.catch((e) => Effect.logWarning(`Checkpoint of batch ${time} not written: ${e.message}`))
        )
        const failure = yield* writer.lastFailure
        if (Option.isSome(failure) && failure.value !== reported) {
          reported = failure.value
          yield* Effect.logWarning(`Writing a checkpoint to ${directory} failed: ${failure.value.message}`)
        }
      })
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
 * whose state cannot be restored yet. Receiver streams recover without the
 * blocks received before the crash that no batch completed (the receiver
 * write-ahead log that keeps them is planned): a warning says so.
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
      if (stream.mustCheckpoint) {
        return yield* refuse(
          `${stream.kind.name}[${i}] keeps state across batches, and restoring it from its checkpointed RDDs is not ` +
            `supported yet: start from an empty checkpoint directory`
        )
      }
    }
    graph.restartPoint = checkpoint
    for (const [i, stream] of streams.entries()) {
      const recovery = recoveryOf(stream)
      const state = checkpoint.streams[i]
      if (recovery?._tag === "Restorable" && state !== null && state !== undefined) recovery.restore(state)
      // With the receiver write-ahead log on, the receivers' logs and the block tracker's log bring those blocks back.
      const walKey = "spark.streaming.receiver.writeAheadLog.enable"
      if (isReceiverInputDStream(stream) && stream.context.sparkContext.conf.entries.get(walKey)?.trim().toLowerCase() !== "true") {
        yield* Effect.logWarning(
          `${stream.kind.name}[${i}] recovers without the blocks it received before the restart that no batch ` +
            `completed: they are lost unless ${walKey} is set to true (with a checkpoint directory)`
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
    if (checkpoint !== undefined) yield* Effect.catch(restoreGraph(checkpointDir, checkpoint, ssc.graph), refused)
    return ssc
  })
