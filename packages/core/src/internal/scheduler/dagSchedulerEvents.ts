// The DAG scheduler's side of the event loop: what each event does (Spark's
// DAGSchedulerEventProcessLoop.doOnReceive), where a task would rather run
// (cached blocks first, then the RDDs' own preferences), and the task infos
// and end reasons of listener events.
import type { RDD } from "../../rdd/RDD.js"
import type { DAGSchedulerEvent } from "../../scheduler/DAGSchedulerEventProcessLoop.js"
import type { TaskEndReason, TaskInfo } from "../../scheduler/SparkListener.js"
import type { TaskDescription, TaskLocation, TaskResult } from "../../scheduler/Task.js"
import * as BlockId from "../../storage/BlockId.js"
import type { BlockManagerMaster } from "../../storage/BlockManagerMaster.js"
import * as StorageLevel from "../../storage/StorageLevel.js"
import { forEachPartitionAncestor } from "../../util/lineage.js"
import type { DAGScheduler, DAGSchedulerServices } from "./dagScheduler.js"

/** Handles one event; then offers free cores, as every event may have freed or queued tasks. */
export const doOnReceive = (dag: DAGScheduler, services: DAGSchedulerServices, event: DAGSchedulerEvent): void => {
  const { taskScheduler } = services
  switch (event._tag) {
    case "JobSubmitted":
      dag.handleJobSubmitted(event.submission)
      break
    case "JobCancelled":
      dag.handleJobCancelled(event.jobId, event.reason)
      break
    case "JobGroupCancelled":
      dag.handleJobGroupCancelled(event.groupId)
      break
    case "AllJobsCancelled":
      dag.handleAllJobsCancelled(event.reason)
      break
    case "StatusUpdate":
      taskScheduler.statusUpdate(event.task, event.result)
      break
    case "ResubmitFailedStages":
      dag.resubmitFailedStages()
      break
    case "ExecutorAdded":
      dag.handleExecutorAdded(event.executorId, event.host)
      taskScheduler.executorAdded(event.executorId, event.host)
      dag.post({ ...event, time: dag.now() })
      break
    case "ExecutorLost":
      taskScheduler.executorLost(event.executorId, event.reason)
      dag.handleExecutorLost(event.executorId)
      dag.post({ _tag: "ExecutorRemoved", executorId: event.executorId, reason: event.reason, time: dag.now() })
      break
    case "Cleanup":
      services.cleaner.doCleanup(event.task)
      break
    case "ReviveOffers":
      break
  }
  taskScheduler.reviveOffers()
}

export class TaskLocations {
  /** Cached-partition locations per RDD, valid while handling one event. */
  private memo = new Map<number, Array<Array<TaskLocation>>>()

  constructor(private readonly blockManagerMaster: BlockManagerMaster) {}

  clear(): void {
    this.memo = new Map()
  }

  cacheLocs(rdd: RDD<unknown>): Array<Array<TaskLocation>> {
    if (rdd.storageLevel === StorageLevel.NONE) return rdd.partitions.map(() => [])
    let locs = this.memo.get(rdd.id)
    if (locs === undefined) {
      locs = rdd.partitions.map((p) =>
        this.blockManagerMaster.getLocations(BlockId.rdd(rdd.id, p.index)).map((id) => ({
          host: id.host,
          executorId: id.executorId
        }))
      )
      this.memo.set(rdd.id, locs)
    }
    return locs
  }

  /** The first locations found: cached blocks, then the RDD's own preference, then narrow parents'. */
  preferred(root: RDD<unknown>, partition: number): Array<TaskLocation> {
    let found: Array<TaskLocation> = []
    forEachPartitionAncestor(root, partition, (rdd, p) => {
      const cached = this.cacheLocs(rdd)[p]
      if (cached !== undefined && cached.length > 0) {
        found = cached
        return "stop"
      }
      const split = rdd.partitions[p]
      if (split === undefined) return "prune"
      const hosts = rdd.preferredLocations(split)
      if (hosts.length === 0) return undefined
      found = hosts.map((host) => ({ host }))
      return "stop"
    })
    return found
  }
}

export const taskInfo = (task: TaskDescription, host: string, launchTime: number): TaskInfo => ({
  taskId: task.taskId,
  index: task.index,
  attemptNumber: task.attemptNumber,
  executorId: task.executorId,
  host,
  locality: task.locality,
  launchTime
})

export const endReason = (result: TaskResult, executorId: string): TaskEndReason => {
  switch (result._tag) {
    case "Success":
    case "ShuffleMapSuccess":
      return { _tag: "Success" }
    case "FetchFailed":
      return { _tag: "FetchFailed", shuffleId: result.shuffleId, mapId: result.mapId, message: result.message }
    case "ExceptionFailure":
      return { _tag: "ExceptionFailure", message: result.message }
    case "TaskKilled":
      return result.reason.startsWith("executor lost")
        ? { _tag: "ExecutorLost", executorId }
        : { _tag: "TaskKilled", reason: result.reason }
  }
}
