/**
 * The RDD a reliably checkpointed RDD is read from after its lineage is
 * truncated: one checksummed file per partition in the checkpoint directory,
 * written by the tasks of a job over the original RDD.
 *
 * Mirrors `org.apache.spark.rdd.ReliableCheckpointRDD` (and the write half of
 * `ReliableRDDCheckpointData`).
 *
 * @since 0.1.0
 */
import { CheckpointFile } from "@tspark/checkpoint"
import { Data, Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { engineFunction } from "../internal/closure/engineFunctions.js"
import { partFile, runSyncFiles } from "../internal/rdd/checkpointFiles.js"
import { ArrayIterator } from "../internal/rdd/iterators.js"
import { indexed, type RDDOp } from "../internal/rdd/op.js"
import { deserialize } from "../internal/storage/serializer.js"
import { CheckpointError, describeCause, InvalidArgumentError } from "../SparkError.js"
import type { Partitioner } from "./Partitioner.js"
import type { RDD, RDDError } from "./RDD.js"

/**
 * A partition's checkpoint file is missing, unreadable or damaged (torn,
 * checksum mismatch, unknown format version). Thrown by the task reading it;
 * the job fails with it rather than reading damaged data.
 *
 * Mirrors the `SparkException` of `ReliableCheckpointRDD.readCheckpointFile`.
 *
 * **Example**
 * ```ts
 * const error = new ReliableCheckpointRDD.CheckpointFileUnreadable({ path: "/ckpt/rdd-3/part-00000", reason: "is damaged: ..." })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class CheckpointFileUnreadable extends Data.TaggedError("CheckpointFileUnreadable")<{
  readonly path: string
  /** What went wrong: `cannot be read: ...` or `is damaged: ...`. */
  readonly reason: string
}> {
  override get message(): string {
    return `checkpoint file ${this.path} ${this.reason}. The checkpoint directory must keep the files ` +
      "checkpoint() wrote: restore them, or recompute the RDD from its source in a new application"
  }
}

/**
 * Reads and validates the checkpoint file of partition `index`; throws
 * `CheckpointFileUnreadable` (tasks run synchronously and report what they throw).
 *
 * Mirrors `ReliableCheckpointRDD.readCheckpointFile`.
 *
 * **Example**
 * ```ts
 * const values = ReliableCheckpointRDD.readCheckpointFile("/ckpt/rdd-3", 0)
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const readCheckpointFile = (directory: string, index: number): ReadonlyArray<unknown> => {
  const file = partFile(directory, index)
  const bytes = runSyncFiles(
    CheckpointFile.read(file).pipe(
      Effect.catchTags({
        FileNotFoundError: (e) => Effect.fail(new CheckpointFileUnreadable({ path: file, reason: `cannot be read: ${e.message}` })),
        FileSystemError: (e) => Effect.fail(new CheckpointFileUnreadable({ path: file, reason: `cannot be read: ${e.message}` })),
        CorruptDataError: (e) => Effect.fail(new CheckpointFileUnreadable({ path: file, reason: `is damaged: ${e.message}` })),
        UnsupportedFormatVersionError: (e) => Effect.fail(new CheckpointFileUnreadable({ path: file, reason: `is damaged: ${e.message}` }))
      })
    )
  )
  return deserialize(bytes)
}

/**
 * The plan of an RDD read back from its checkpoint files.
 *
 * Mirrors `new ReliableCheckpointRDD(sc, checkpointPath, partitioner)`.
 *
 * **Example**
 * ```ts
 * const op = ReliableCheckpointRDD.reliableCheckpoint("/ckpt/rdd-3", 4, undefined)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const reliableCheckpoint = (
  directory: string,
  numPartitions: number,
  partitioner: Partitioner | undefined
): RDDOp => ({
  factory: "reliableCheckpoint",
  args: [directory, numPartitions, partitioner],
  kind: "ReliableCheckpointRDD",
  params: { directory, numPartitions, partitioner },
  getPartitions: () => indexed(numPartitions),
  partitioner: () => partitioner,
  compute: (_rdd, split) => new ArrayIterator(readCheckpointFile(directory, split.index))
})

/**
 * Writes every partition of `rdd` to `<checkpointDir>/rdd-<id>` in a job
 * (each task writes its partition atomically) and returns the plan to read it
 * back. Fails with `CheckpointError` when no checkpoint directory is set.
 *
 * Mirrors `ReliableCheckpointRDD.writeRDDToCheckpointDirectory`.
 *
 * **Example**
 * ```ts
 * const op = yield* ReliableCheckpointRDD.writeRDDToCheckpointDirectory(rdd)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const writeRDDToCheckpointDirectory = (rdd: RDD<unknown>): Effect.Effect<RDDOp, RDDError> => {
  const baseDir = rdd.context.checkpointDir
  if (baseDir === undefined) {
    return Effect.fail(
      new CheckpointError({
        rddId: rdd.id,
        message: `RDD ${rdd.id} is marked for checkpointing but the checkpoint directory has not been set; ` +
          "call sc.setCheckpointDir(dir) first"
      })
    )
  }
  const directory = path.join(baseDir, `rdd-${rdd.id}`)
  const partitioner = rdd.partitioner
  const numPartitions = rdd.numPartitions
  return Effect.gen(function*() {
    yield* Effect.try({
      try: () => fs.mkdirSync(directory, { recursive: true }),
      catch: (cause) => new CheckpointError({ rddId: rdd.id, message: `cannot create ${directory}: ${describeCause(cause)}`, cause })
    })
    yield* rdd.context.runJob(rdd, engineFunction("writeCheckpointPartition", { directory }))
    return reliableCheckpoint(directory, numPartitions, partitioner)
  })
}

/**
 * Makes a checkpoint directory (if missing), checks that it is writable and
 * returns its absolute path; fails with `InvalidArgumentError` naming the
 * directory otherwise.
 *
 * Mirrors the directory set-up of `SparkContext.setCheckpointDir`.
 *
 * **Example**
 * ```ts
 * const directory = yield* ReliableCheckpointRDD.prepareCheckpointDir("/tmp/checkpoints")
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const prepareCheckpointDir = (directory: string): Effect.Effect<string, InvalidArgumentError> =>
  Effect.try({
    try: () => {
      fs.mkdirSync(directory, { recursive: true })
      fs.accessSync(directory, fs.constants.W_OK)
      return path.resolve(directory)
    },
    catch: (cause) =>
      new InvalidArgumentError({
        method: "setCheckpointDir",
        message: `Cannot use ${directory} as the checkpoint directory: ${(cause as Error).message}`
      })
  })
