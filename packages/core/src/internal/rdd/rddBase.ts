// The mechanics every RDD shares, at the bottom of the public `RDD` class's
// layers (RDDBase → RDDActions → RDDPairMethods → RDD): identity and lineage,
// partitions, the iterator that reads the cache or the checkpoint before
// computing, persistence, and checkpoint marking and writing (Spark's
// RDDCheckpointData). Split from rdd/RDD.ts to keep each module small.
import { Effect } from "effect"
import * as LocalCheckpointRDD from "../../rdd/LocalCheckpointRDD.js"
import type { Dependency } from "../../rdd/Dependency.js"
import type { Partition } from "../../rdd/Partition.js"
import type { Partitioner } from "../../rdd/Partitioner.js"
import type { RDD, RDDContext, RDDError } from "../../rdd/RDD.js"
import * as ReliableCheckpointRDD from "../../rdd/ReliableCheckpointRDD.js"
import type { TaskContext } from "../../scheduler/TaskContext.js"
import { type InvalidArgumentError, type PartitionerMismatchError, StorageLevelChangeError } from "../../SparkError.js"
import * as BlockId from "../../storage/BlockId.js"
import * as StorageLevel from "../../storage/StorageLevel.js"
import { forEachLineageNode } from "../../util/lineage.js"
import { ArrayIterator } from "./iterators.js"
import type { RDDOp } from "./op.js"

type CheckpointState =
  | { readonly _tag: "None" }
  | { readonly _tag: "Marked"; readonly reliable: boolean }
  | { readonly _tag: "Writing" }
  | { readonly _tag: "Done"; readonly rdd: RDD<unknown> }

export abstract class RDDBase<T> {
  /** A unique id within the context. */
  readonly id: number
  /** A name for `toDebugString` and the listener events. */
  name: string | undefined = undefined
  private storage: StorageLevel.StorageLevel = StorageLevel.NONE
  private checkpointState: CheckpointState = { _tag: "None" }
  private partitionsCache: ReadonlyArray<Partition> | undefined
  /** The parents; dropped once a checkpoint is written, so the old lineage can be collected (Spark's `markCheckpointed`). */
  private deps: ReadonlyArray<Dependency<RDD<unknown>>>
  /** An invalid argument given when this RDD or an ancestor was built; actions fail with it. */
  private readonly buildError: InvalidArgumentError | StorageLevelChangeError | PartitionerMismatchError | undefined
  private levelChangeError: StorageLevelChangeError | undefined

  /** This RDD, as the public class. */
  protected get self(): RDD<T> {
    return this as unknown as RDD<T>
  }

  /** @internal An RDD of this context with no parents (a checkpoint's). */
  protected abstract fromOp(op: RDDOp): RDD<unknown>

  /** @internal */
  constructor(
    readonly context: RDDContext,
    /** @internal The plan of this RDD: its kind and parameters. */
    readonly op: RDDOp,
    deps: ReadonlyArray<Dependency<RDD<unknown>>>,
    error?: InvalidArgumentError | PartitionerMismatchError
  ) {
    this.id = context.newRddId()
    this.deps = deps
    this.buildError = error ?? deps.map((d) => d.rdd.buildError).find((e) => e !== undefined)
  }

  // ------------------------------------------------------------ lineage

  /** The dependencies on parent RDDs (after a checkpoint: only the checkpoint). */
  get dependencies(): ReadonlyArray<Dependency<RDD<unknown>>> {
    if (this.checkpointState._tag === "Done") return [{ _tag: "OneToOne", rdd: this.checkpointState.rdd }]
    return this.deps
  }

  /** The partitions. */
  get partitions(): ReadonlyArray<Partition> {
    if (this.checkpointState._tag === "Done") return this.checkpointState.rdd.partitions
    if (this.partitionsCache === undefined) this.partitionsCache = this.op.getPartitions(this)
    return this.partitionsCache
  }

  /** The number of partitions. */
  get numPartitions(): number {
    return this.partitions.length
  }

  /** How keys are partitioned, when known. */
  get partitioner(): Partitioner | undefined {
    return this.op.partitioner?.(this)
  }

  /** The storage level set by `persist` (`NONE` when not persisted). */
  get storageLevel(): StorageLevel.StorageLevel {
    return this.storage
  }

  /** The error an action on this RDD fails with before running, if any argument was invalid. */
  get validationError(): InvalidArgumentError | StorageLevelChangeError | PartitionerMismatchError | undefined {
    return this.levelChangeError ?? this.buildError
  }

  /**
   * @internal The directory of this RDD's reliable checkpoint once written
   * (`<checkpointDir>/rdd-<id>`), or the one it is read from (an RDD of
   * `ReliableCheckpointRDD.checkpointFile`), for the cleaner and streaming's
   * metadata checkpoints.
   */
  get checkpointDirectory(): string | undefined {
    const op = this.checkpointState._tag === "Done" ? this.checkpointState.rdd.op : this.op
    const directory = op.params["directory"]
    return op.kind === "ReliableCheckpointRDD" && typeof directory === "string" ? directory : undefined
  }

  /** Whether a checkpoint of this RDD has been written (its lineage is truncated). */
  get isCheckpointed(): boolean {
    return this.checkpointState._tag === "Done"
  }

  /** Hosts where a partition is best computed (data locality). */
  preferredLocations(split: Partition): ReadonlyArray<string> {
    if (this.checkpointState._tag === "Done") return this.checkpointState.rdd.preferredLocations(split)
    return this.op.preferredLocations?.(this, split) ?? []
  }

  /** Computes a partition from the parents (ignores cache and checkpoint). */
  compute(split: Partition, ctx: TaskContext): Iterator<T> {
    return this.op.compute(this, split, ctx) as Iterator<T>
  }

  /**
   * The records of a partition: from the cache when persisted, from the
   * checkpoint when checkpointed, otherwise computed. Mirrors `RDD.iterator`.
   */
  iterator(split: Partition, ctx: TaskContext): Iterator<T> {
    if (this.storage !== StorageLevel.NONE) {
      const values = ctx.env.blockManager.getOrElseUpdate(
        BlockId.rdd(this.id, split.index),
        this.storage,
        () => ({ [Symbol.iterator]: () => this.computeOrReadCheckpoint(split, ctx) })
      )
      return new ArrayIterator(values)
    }
    return this.computeOrReadCheckpoint(split, ctx)
  }

  private computeOrReadCheckpoint(split: Partition, ctx: TaskContext): Iterator<T> {
    if (this.checkpointState._tag === "Done") return this.checkpointState.rdd.iterator(split, ctx) as Iterator<T>
    return this.compute(split, ctx)
  }

  /** A description of the lineage, one RDD per line, indented at shuffle boundaries. */
  toDebugString(): string {
    const lines: Array<string> = []
    forEachLineageNode(this.self as RDD<unknown>, (rdd, depth, edge) => {
      const prefix = edge === "shuffle" ? "+-" : edge === "narrow" ? " | " : ""
      const level = rdd.storageLevel === StorageLevel.NONE ? "" : ` [${rdd.storageLevel.name}]`
      const name = rdd.name === undefined ? "" : `${rdd.name} `
      lines.push(`${"   ".repeat(depth)}${prefix}(${rdd.numPartitions}) ${name}${rdd.op.kind}[${rdd.id}]${level}`)
    })
    return lines.join("\n")
  }

  /** Names the RDD. */
  setName(name: string): this {
    this.name = name
    return this
  }

  // ------------------------------------------------------------ persistence

  /**
   * Keeps computed partitions at a storage level. Changing the level of an RDD
   * that already has one is refused: the next action fails with
   * `StorageLevelChangeError` (call `unpersist` first).
   */
  persist(level: StorageLevel.StorageLevel = StorageLevel.MEMORY_ONLY): this {
    if (this.storage !== StorageLevel.NONE && !StorageLevel.equals(this.storage, level)) {
      this.levelChangeError = new StorageLevelChangeError({
        rddId: this.id,
        message: `Cannot change storage level of RDD ${this.id} from ${this.storage.name} to ${level.name} ` +
          "after it was already assigned a level; call unpersist() first"
      })
      return this
    }
    this.storage = level
    this.context.persistRdd(this.self as RDD<unknown>)
    return this
  }

  /** `persist(MEMORY_ONLY)`. */
  cache(): this {
    return this.persist(StorageLevel.MEMORY_ONLY)
  }

  /** Drops the cached partitions and the storage level. */
  unpersist(): this {
    this.context.unpersistRdd(this.id)
    this.storage = StorageLevel.NONE
    this.levelChangeError = undefined
    return this
  }

  /**
   * Marks this RDD to be saved to the context's checkpoint directory after the
   * next job that computes it; its lineage is then truncated.
   */
  checkpoint(): this {
    if (this.checkpointState._tag === "None") this.checkpointState = { _tag: "Marked", reliable: true }
    return this
  }

  /**
   * Marks this RDD for a local checkpoint: its partitions are kept in the
   * executors' block managers (memory and disk) and the lineage is truncated.
   * Faster than `checkpoint()`, but not fault tolerant.
   */
  localCheckpoint(): this {
    if (this.checkpointState._tag !== "None") return this
    if (this.storage === StorageLevel.NONE) this.persist(StorageLevel.MEMORY_AND_DISK)
    else if (!this.storage.useDisk) {
      this.storage = { ...this.storage, useDisk: true, name: `${this.storage.name}+DISK` }
    }
    this.checkpointState = { _tag: "Marked", reliable: false }
    return this
  }

  /**
   * @internal Writes pending checkpoints after a job: this RDD's when it is
   * marked, otherwise its ancestors'. Mirrors `RDD.doCheckpoint`.
   */
  doCheckpoint(): Effect.Effect<void, RDDError> {
    return Effect.suspend(() => {
      const state = this.checkpointState
      switch (state._tag) {
        case "Done":
        case "Writing":
          return Effect.void
        case "None":
          return Effect.forEach(this.deps, (d) => d.rdd.doCheckpoint(), { discard: true })
        case "Marked": {
          this.checkpointState = { _tag: "Writing" }
          const self = this.self as RDD<unknown>
          const write = state.reliable
            ? ReliableCheckpointRDD.writeRDDToCheckpointDirectory(self)
            : LocalCheckpointRDD.checkpointLocally(self)
          return write.pipe(
            Effect.map((op) => {
              const checkpointRdd = this.fromOp(op)
              this.checkpointState = { _tag: "Done", rdd: checkpointRdd }
              this.partitionsCache = undefined
              this.deps = []
              // Spark's registerRDDCheckpointDataForCleanup: the directory goes with the checkpoint RDD.
              const directory = this.checkpointDirectory
              if (directory !== undefined) this.context.cleanCheckpointWith(checkpointRdd, this.id, directory)
            }),
            // A failed write leaves the RDD marked, so the next job tries again.
            Effect.tapError(() => Effect.sync(() => (this.checkpointState = state)))
          )
        }
      }
    })
  }
}
