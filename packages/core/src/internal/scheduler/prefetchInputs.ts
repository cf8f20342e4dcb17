// Tasks run synchronously, so input that only an asynchronous client can
// read (a direct stream's source) is fetched before the task starts, as the
// executor fetches remote blocks first: every RDD in the task's partition
// lineage (up to shuffle boundaries) whose op has `prefetch` is asked for
// its partition, and the runner awaits them all before `runTask`.
import type { TaskDescription, TaskResult } from "../../scheduler/Task.js"
import { describeCause } from "../../SparkError.js"
import { forEachPartitionAncestor } from "../../util/lineage.js"

/** The prefetches of `task`'s inputs, or `undefined` when it has none (no promise is made for ordinary tasks). */
export const prefetchInputs = (task: TaskDescription): Promise<void> | undefined => {
  let pending: Array<PromiseLike<void>> | undefined
  try {
    forEachPartitionAncestor(task.binary.rdd, task.partition.index, (rdd, partition) => {
      const prefetch = rdd.op.prefetch
      if (prefetch === undefined) return
      const started = prefetch(rdd, rdd.partitions[partition]!)
      if (started !== undefined) (pending ??= []).push(started)
    })
  } catch (error) {
    return Promise.reject(error)
  }
  return pending === undefined ? undefined : Promise.all(pending).then(() => undefined)
}

/** A task whose input could not be fetched fails as if its compute had thrown. */
export const prefetchFailure = (error: unknown): TaskResult => ({ _tag: "ExceptionFailure", error, message: describeCause(error) })
