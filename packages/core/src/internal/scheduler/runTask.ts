// Runs one task attempt on an executor: builds its TaskContext, pulls the
// partition through the RDD's iterator chain (plain loops), then returns the
// result or writes shuffle output. Every failure becomes data for the driver.
import type { TaskDescription, TaskResult } from "../../scheduler/Task.js"
import * as TaskContextModule from "../../scheduler/TaskContext.js"
import { FetchFailedError } from "../../shuffle/ShuffleManager.js"
import * as ShuffleManager from "../../shuffle/ShuffleManager.js"
import { describeCause } from "../../SparkError.js"

export const runTask = (task: TaskDescription, env: TaskContextModule.ExecutorEnv): TaskResult => {
  const ctx = new TaskContextModule.TaskContext(
    task.stageId,
    task.stageAttemptId,
    task.partition.index,
    task.attemptNumber,
    task.taskId,
    task.localProperties,
    env
  )
  TaskContextModule.setCurrent(ctx)
  try {
    const binary = task.binary
    if (binary._tag === "ResultTask") {
      const value = binary.func(binary.rdd.iterator(task.partition, ctx), ctx)
      return { _tag: "Success", value, accumulatorUpdates: ctx.accumulatorUpdates }
    }
    const records = binary.rdd.iterator(task.partition, ctx) as Iterator<readonly [unknown, unknown]>
    const status = ShuffleManager.write(binary.dep, task.partition.index, records, ctx)
    return { _tag: "ShuffleMapSuccess", status, accumulatorUpdates: ctx.accumulatorUpdates }
  } catch (error) {
    if (error instanceof FetchFailedError) {
      return {
        _tag: "FetchFailed",
        shuffleId: error.shuffleId,
        mapId: error.mapId,
        executorId: error.location?.executorId,
        message: error.message
      }
    }
    return { _tag: "ExceptionFailure", error, message: describeCause(error) }
  } finally {
    try {
      ctx.markTaskCompleted()
    } finally {
      TaskContextModule.setCurrent(undefined)
    }
  }
}
