// Tasks run synchronously, so input that only an asynchronous client can
// read (a direct stream's source) is fetched before the task starts, as the
// executor fetches remote blocks first: every RDD in the task's partition
// lineage (up to shuffle boundaries) whose op has `prefetch` is asked for
// its partition, and the runner awaits them all before `runTask`.
import type { TaskDescription, TaskResult } from "../../scheduler/Task.js"
import type { RDD } from "../../rdd/RDD.js"
import { describeCause } from "../../SparkError.js"
import { forEachPartitionAncestor } from "../../util/lineage.js"

/** An RDD of a task's lineage whose op has `prefetch`, with the partition the task reads of it. */
export type PrefetchInput = readonly [RDD<unknown>, number]

/** Starts the prefetches of `inputs`: `undefined` when none returns a promise (no promise is made for ordinary tasks). */
export const startPrefetches = (inputs: ReadonlyArray<PrefetchInput>): Promise<void> | undefined => {
  let pending: Array<PromiseLike<void>> | undefined
  try {
    for (const [rdd, partition] of inputs) {
      const started = rdd.op.prefetch!(rdd, rdd.partitions[partition]!)
      if (started !== undefined) (pending ??= []).push(started)
    }
  } catch (error) {
    return Promise.reject(error)
  }
  return pending === undefined ? undefined : Promise.all(pending).then(() => undefined)
}

/** The prefetches of `task`'s inputs (the local backend's; an executor finds them in its walk for remote blocks). */
export const prefetchInputs = (task: TaskDescription): Promise<void> | undefined => {
  const inputs: Array<PrefetchInput> = []
  try {
    forEachPartitionAncestor(task.binary.rdd, task.partition.index, (rdd, partition) => {
      if (rdd.op.prefetch !== undefined) inputs.push([rdd, partition])
    })
  } catch (error) {
    return Promise.reject(error)
  }
  return startPrefetches(inputs)
}

/** A task whose input could not be fetched fails as if its compute had thrown. */
export const prefetchFailure = (error: unknown): TaskResult => ({ _tag: "ExceptionFailure", error, message: describeCause(error) })
