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
import { randomUUID } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { engineFunction } from "../internal/closure/engineFunctions.js"
import { partFile, runSyncFiles } from "../internal/rdd/checkpointFiles.js"
import { ArrayIterator } from "../internal/rdd/iterators.js"
import { indexed, type RDDOp } from "../internal/rdd/op.js"
import { deserialize } from "../internal/storage/serializer.js"
import { CheckpointError, describeCause, InvalidArgumentError } from "../SparkError.js"
import { HashPartitioner, type Partitioner } from "./Partitioner.js"
import { RDD, type RDDContext, type RDDError } from "./RDD.js"

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
  return deserialize(runSyncFiles(readValidated(file)))
}

/** A checkpoint file's bytes, its failures as `CheckpointFileUnreadable` naming the file. */
const readValidated = (file: string) =>
  CheckpointFile.read(file).pipe(
    Effect.catchTags({
      FileNotFoundError: (e) => Effect.fail(new CheckpointFileUnreadable({ path: file, reason: `cannot be read: ${e.message}` })),
      FileSystemError: (e) => Effect.fail(new CheckpointFileUnreadable({ path: file, reason: `cannot be read: ${e.message}` })),
      CorruptDataError: (e) => Effect.fail(new CheckpointFileUnreadable({ path: file, reason: `is damaged: ${e.message}` })),
      UnsupportedFormatVersionError: (e) => Effect.fail(new CheckpointFileUnreadable({ path: file, reason: `is damaged: ${e.message}` }))
    })
  )

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
    // Written last, so its presence says every part was written.
    const metadata: CheckpointMetadata = {
      numPartitions,
      hashPartitions: partitioner?._tag === "HashPartitioner" ? partitioner.numPartitions : undefined
    }
    yield* Effect.try({
      try: () => runSyncFiles(CheckpointFile.writeAtomic(directory, METADATA, Buffer.from(JSON.stringify(metadata), "utf8"))),
      catch: (cause) =>
        new CheckpointError({ rddId: rdd.id, message: `cannot write ${METADATA} in ${directory}: ${describeCause(cause)}`, cause })
    })
    return reliableCheckpoint(directory, numPartitions, partitioner)
  })
}

/** A checkpoint file's bytes, read on the driver; every failure is `CheckpointFileUnreadable` naming the file. */
const readOnDriver = (file: string): Effect.Effect<Uint8Array, CheckpointFileUnreadable> =>
  Effect.try({
    try: () => runSyncFiles(readValidated(file)),
    catch: (cause) =>
      cause instanceof CheckpointFileUnreadable
        ? cause
        : new CheckpointFileUnreadable({ path: file, reason: `cannot be read: ${describeCause(cause)}` })
  })

/** The file a checkpoint's shape is kept in, beside its parts. */
const METADATA = "_metadata"

/**
 * What `checkpointFile` needs to read a checkpoint back: its partition count
 * and, for a hash-partitioned RDD, its partitioner (a range partitioner holds
 * an ordering function, which is not written: such an RDD reads back without
 * a partitioner).
 */
interface CheckpointMetadata {
  readonly numPartitions: number
  readonly hashPartitions: number | undefined
}

const parseMetadata = (bytes: Uint8Array): CheckpointMetadata | undefined => {
  try {
    const value = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8")) as Partial<CheckpointMetadata>
    const valid = Number.isSafeInteger(value.numPartitions) && value.numPartitions! >= 0 &&
      (value.hashPartitions === undefined || (Number.isSafeInteger(value.hashPartitions) && value.hashPartitions > 0))
    return valid ? { numPartitions: value.numPartitions!, hashPartitions: value.hashPartitions } : undefined
  } catch {
    return undefined
  }
}

/**
 * The RDD that a completed reliable checkpoint (`<checkpointDir>/rdd-<id>`,
 * written by `checkpoint()`) holds, read back in a later application: the
 * same partitions, and its hash partitioner if it had one. Every part's
 * checksum is checked first (the parts are read once): fails with
 * `CheckpointFileUnreadable` when the checkpoint is incomplete (a crash while
 * it was written), damaged or missing a part; its tasks fail the same way if a
 * part is damaged after this check.
 *
 * Mirrors `SparkContext.checkpointFile` (with `ReliableCheckpointRDD`'s checks).
 *
 * **Example**
 * ```ts
 * const restored = yield* ReliableCheckpointRDD.checkpointFile<[string, number]>(sc, "/ckpt/rdd-3")
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const checkpointFile = <T>(context: RDDContext, directory: string): Effect.Effect<RDD<T>, CheckpointFileUnreadable> =>
  Effect.gen(function*() {
    const file = path.join(directory, METADATA)
    const metadata = parseMetadata(yield* readOnDriver(file))
    if (metadata === undefined) {
      return yield* new CheckpointFileUnreadable({ path: file, reason: "is damaged: not a checkpoint's metadata" })
    }
    // Every part is read and its checksum checked now, so a damaged checkpoint is refused here rather than
    // failing the first job that reads it.
    for (let index = 0; index < metadata.numPartitions; index++) {
      const part = partFile(directory, index)
      if (!fs.existsSync(part)) return yield* new CheckpointFileUnreadable({ path: part, reason: "cannot be read: it is missing" })
      yield* readOnDriver(part)
    }
    const partitioner = metadata.hashPartitions === undefined ? undefined : new HashPartitioner(metadata.hashPartitions)
    return new RDD<T>(context, reliableCheckpoint(directory, metadata.numPartitions, partitioner), [])
  })

/**
 * Makes a checkpoint directory (if missing), checks that it is writable and
 * returns the absolute path of a new directory of this application's inside
 * it (a random name): applications sharing the directory, or restarted in it,
 * never write over each other's `rdd-<id>`. Fails with
 * `InvalidArgumentError` naming the directory otherwise.
 *
 * Mirrors the directory set-up of `SparkContext.setCheckpointDir` (its UUID
 * subdirectory).
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
      const own = path.join(path.resolve(directory), randomUUID())
      fs.mkdirSync(own)
      return own
    },
    catch: (cause) =>
      new InvalidArgumentError({
        method: "setCheckpointDir",
        message: `Cannot use ${directory} as the checkpoint directory: ${(cause as Error).message}`
      })
  })
