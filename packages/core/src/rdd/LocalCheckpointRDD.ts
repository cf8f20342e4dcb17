/**
 * The RDD a locally checkpointed RDD is read from after its lineage is
 * truncated: its partitions as cached blocks in the executors' block managers
 * (memory and disk). Fast, but a block lost with its executor cannot be
 * recomputed.
 *
 * Mirrors `org.apache.spark.rdd.LocalCheckpointRDD` (and `LocalRDDCheckpointData`).
 *
 * @since 0.1.0
 */
import { Data, Effect } from "effect"
import { engineFunction } from "../internal/closure/engineFunctions.js"
import { ArrayIterator } from "../internal/rdd/iterators.js"
import { indexed, type RDDOp } from "../internal/rdd/op.js"
import * as BlockId from "../storage/BlockId.js"
import type { Partitioner } from "./Partitioner.js"
import type { RDD, RDDError } from "./RDD.js"

/**
 * The cached block of a locally checkpointed partition is gone (its executor
 * was lost or the block was removed). Thrown by the task reading it; the job
 * fails with it.
 *
 * Mirrors the `SparkException` of `LocalCheckpointRDD.compute`.
 *
 * **Example**
 * ```ts
 * const error = new LocalCheckpointRDD.LocalCheckpointBlockLost({ rddId: 7, partition: 0 })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class LocalCheckpointBlockLost extends Data.TaggedError("LocalCheckpointBlockLost")<{
  readonly rddId: number
  readonly partition: number
}> {
  override get message(): string {
    return `Checkpoint block rdd_${this.rddId}_${this.partition} not found: it was probably lost with its executor. ` +
      "localCheckpoint() trades fault tolerance for speed; use checkpoint() with sc.setCheckpointDir() " +
      "when the lineage must survive the loss of an executor."
  }
}

/**
 * The plan of an RDD read from the cached blocks of RDD `originalRddId`.
 *
 * Mirrors `new LocalCheckpointRDD(rdd)`.
 *
 * **Example**
 * ```ts
 * const op = LocalCheckpointRDD.localCheckpoint(7, 4, undefined)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const localCheckpoint = (
  originalRddId: number,
  numPartitions: number,
  partitioner: Partitioner | undefined
): RDDOp => ({
  factory: "localCheckpoint",
  args: [originalRddId, numPartitions, partitioner],
  kind: "LocalCheckpointRDD",
  params: { originalRddId, numPartitions, partitioner },
  getPartitions: () => indexed(numPartitions),
  partitioner: () => partitioner,
  compute: (_rdd, split, ctx) => {
    const values = ctx.env.blockManager.getValues(BlockId.rdd(originalRddId, split.index))
    if (values === undefined) throw new LocalCheckpointBlockLost({ rddId: originalRddId, partition: split.index })
    return new ArrayIterator(values)
  }
})

/**
 * Makes sure every partition of `rdd` (persisted with disk) is cached, then
 * returns the plan to read the cached blocks. The job that triggered the
 * checkpoint may have computed only some partitions (`take`, `zipWithIndex`);
 * cached partitions are only read back.
 *
 * Mirrors `LocalRDDCheckpointData.doCheckpoint`.
 *
 * **Example**
 * ```ts
 * const op = yield* LocalCheckpointRDD.checkpointLocally(rdd)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const checkpointLocally = (rdd: RDD<unknown>): Effect.Effect<RDDOp, RDDError> =>
  Effect.map(
    rdd.context.runJob(rdd, engineFunction<Record<string, never>, (it: Iterator<unknown>) => number>("count", {})),
    () => localCheckpoint(rdd.id, rdd.numPartitions, rdd.partitioner)
  )
