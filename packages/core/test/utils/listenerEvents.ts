// Builders of the listener events' parts that tests post by hand: a stage's
// and a task's info with the fields a test does not care about filled in.
import type { StageInfo, TaskInfo } from "../../src/scheduler/SparkListener.js"

/** A result stage's info (first attempt, no RDDs, not submitted); `overrides` sets any other field. */
export const stageInfo = (stageId: number, numTasks: number, overrides: Partial<StageInfo> = {}): StageInfo => ({
  stageId,
  attemptNumber: 0,
  name: `stage ${stageId}`,
  kind: "ResultStage",
  numTasks,
  rddIds: [],
  rddInfos: [],
  parentIds: [],
  submissionTime: undefined,
  completionTime: undefined,
  failureReason: undefined,
  ...overrides
})

/** A task's first attempt on `executorId` (process-local on localhost, launched at 0); `overrides` sets any other field. */
export const taskInfo = (index: number, taskId: number, executorId: string, overrides: Partial<TaskInfo> = {}): TaskInfo => ({
  taskId,
  index,
  attemptNumber: 0,
  executorId,
  host: "localhost",
  locality: "PROCESS_LOCAL",
  launchTime: 0,
  ...overrides
})
