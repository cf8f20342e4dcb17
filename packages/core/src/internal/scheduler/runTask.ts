// Runs one task attempt on an executor: builds its TaskContext, pulls the
// partition through the RDD's iterator chain (plain loops), then returns the
// result or writes shuffle output. Every failure becomes data for the driver.
// A result task whose function returns a promise (thenable) is asynchronous:
// runTask then returns a promise of its result, settled when the task's is;
// synchronous tasks allocate no promise.
import type { TaskDescription, TaskResult } from "../../scheduler/Task.js"
import * as TaskContextModule from "../../scheduler/TaskContext.js"
import { FetchFailedError } from "../../shuffle/ShuffleManager.js"
import * as ShuffleManager from "../../shuffle/ShuffleManager.js"
import { describeCause } from "../../SparkError.js"

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function"

const failure = (error: unknown): TaskResult => {
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
}

/**
 * Runs `task`. With `running`, an asynchronous task's context is kept there
 * (by task id) until it settles, so that a kill can interrupt it.
 */
export const runTask = (
  task: TaskDescription,
  env: TaskContextModule.ExecutorEnv,
  running?: Map<number, TaskContextModule.TaskContext>
): TaskResult | Promise<TaskResult> => {
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
  let pending: PromiseLike<unknown> | undefined
  try {
    const binary = task.binary
    if (binary._tag === "ResultTask") {
      const value = binary.func(binary.rdd.iterator(task.partition, ctx), ctx)
      if (!isThenable(value)) return { _tag: "Success", value, accumulatorUpdates: ctx.accumulatorUpdates }
      pending = value
    } else {
      const records = binary.rdd.iterator(task.partition, ctx) as Iterator<readonly [unknown, unknown]>
      const status = ShuffleManager.write(binary.dep, task.partition.index, records, ctx)
      return { _tag: "ShuffleMapSuccess", status, accumulatorUpdates: ctx.accumulatorUpdates }
    }
  } catch (error) {
    return failure(error)
  } finally {
    try {
      if (pending === undefined) ctx.markTaskCompleted()
    } finally {
      TaskContextModule.setCurrent(undefined)
    }
  }
  running?.set(task.taskId, ctx)
  return settle(task.taskId, pending, ctx, running)
}

/** The result of an asynchronous task once its promise settles; a task killed before that reports TaskKilled. */
const settle = async (
  taskId: number,
  pending: PromiseLike<unknown>,
  ctx: TaskContextModule.TaskContext,
  running: Map<number, TaskContextModule.TaskContext> | undefined
): Promise<TaskResult> => {
  let result: TaskResult
  try {
    const value = await pending
    result = { _tag: "Success", value, accumulatorUpdates: ctx.accumulatorUpdates }
  } catch (error) {
    result = failure(error)
  }
  if (running?.get(taskId) === ctx) running.delete(taskId)
  if (ctx.isInterrupted()) result = { _tag: "TaskKilled", reason: ctx.getKillReason() ?? "killed" }
  try {
    ctx.markTaskCompleted()
  } catch (error) {
    result = failure(error)
  }
  return result
}

/**
 * Kills a running asynchronous task of `running` (its interrupt listeners
 * run; the task decides how to end). Returns false when the task is not
 * running asynchronously, so the caller drops it before it starts instead.
 * A failing listener is reported through `warn`, not thrown.
 */
export const interruptRunning = (
  running: ReadonlyMap<number, TaskContextModule.TaskContext>,
  taskId: number,
  reason: string,
  warn: (message: string) => void
): boolean => {
  const ctx = running.get(taskId)
  if (ctx === undefined) return false
  for (const error of ctx.markInterrupted(reason)) {
    warn(`an interrupt listener of task ${taskId} failed: ${describeCause(error)}`)
  }
  return true
}
