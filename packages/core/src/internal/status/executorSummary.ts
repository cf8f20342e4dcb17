// A new executor's summary in the status store: its ExecutorAdded, with its
// block manager's memory when that registered first (the driver's does).
import type { SparkListenerEvent } from "../../scheduler/SparkListener.js"
import type { ExecutorSummary } from "../../status/api.js"
import type { BlockManagerMemory } from "./storageStatus.js"

export const newExecutorSummary = (
  event: Extract<SparkListenerEvent, { _tag: "ExecutorAdded" }>,
  memory: BlockManagerMemory | undefined
): ExecutorSummary => ({
  id: event.executorId,
  hostPort: event.host,
  totalCores: event.cores,
  addTime: event.time,
  isActive: true,
  removeTime: undefined,
  removeReason: undefined,
  activeTasks: 0,
  completedTasks: 0,
  failedTasks: 0,
  totalTasks: 0,
  totalDuration: 0,
  totalInputBytes: 0,
  totalShuffleRead: 0,
  totalShuffleWrite: 0,
  memoryUsed: 0,
  diskUsed: 0,
  rddBlocks: 0,
  maxMemory: memory?.maxMemory ?? 0,
  maxOnHeapMemory: memory?.maxOnHeapMemory ?? 0,
  maxOffHeapMemory: memory?.maxOffHeapMemory ?? 0
})
