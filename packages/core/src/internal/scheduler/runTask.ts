// Runs one task attempt on an executor: builds its TaskContext, pulls the
// partition through the RDD's iterator chain (plain loops), then returns the
// result or writes shuffle output. Every failure becomes data for the driver.
// A result task whose function returns a promise (thenable) is asynchronous:
// runTask then returns a promise of its result, settled when the task's is;
// synchronous tasks allocate no promise. Every result of a task that ran
// carries its metrics: its run time on the executor's clock, its result's
// estimated size, and what its RDDs and shuffle counted in its context.
import type { TaskMetrics } from "../../executor/TaskMetrics.js"
import type { TaskDescription, TaskResult } from "../../scheduler/Task.js"
import * as TaskContextModule from "../../scheduler/TaskContext.js"
import { FetchFailedError } from "../../shuffle/ShuffleManager.js"
import * as ShuffleManager from "../../shuffle/ShuffleManager.js"
import { describeCause } from "../../SparkError.js"
import { estimateSize } from "../storage/sizeEstimator.js"

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function"

const failure = (error: unknown, metrics?: TaskMetrics): TaskResult => {
  if (error instanceof FetchFailedError) {
    return {
      _tag: "FetchFailed",
      shuffleId: error.shuffleId,
      mapId: error.mapId,
      executorId: error.location?.executorId,
      message: error.message,
      metrics
    }
  }
  return { _tag: "ExceptionFailure", error, message: describeCause(error), metrics }
}

/** What the executor measured before the task ran: decoding it and waiting for its remote blocks (ms). */
export interface BeforeRun {
  readonly deserializeTime: number
  readonly fetchWaitTime: number
}

const noWait: BeforeRun = { deserializeTime: 0, fetchWaitTime: 0 }

const zero = () => 0

/** Freezes the context's metrics with the run time since `start` and the result's size. */
const finish = (ctx: TaskContextModule.TaskContext, start: number, now: () => number, result: unknown): TaskMetrics => {
  const metrics = ctx.taskMetrics
  metrics.executorRunTime = Math.max(0, now() - start)
  if (result !== undefined) metrics.resultSize = estimateSize(result)
  return metrics.snapshot()
}

/**
 * Runs `task`. With `running`, an asynchronous task's context is kept there
 * (by task id) until it settles, so that a kill can interrupt it.
 */
export const runTask = (
  task: TaskDescription,
  env: TaskContextModule.ExecutorEnv,
  running?: Map<number, TaskContextModule.TaskContext>,
  before: BeforeRun = noWait
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
  const now = env.nowMs ?? zero
  ctx.taskMetrics.executorDeserializeTime = before.deserializeTime
  ctx.taskMetrics.fetchWaitTime = before.fetchWaitTime
  const start = now()
  TaskContextModule.setCurrent(ctx)
  let pending: PromiseLike<unknown> | undefined
  try {
    const binary = task.binary
    if (binary._tag === "ResultTask") {
      const value = binary.func(binary.rdd.iterator(task.partition, ctx), ctx)
      if (!isThenable(value)) {
        return { _tag: "Success", value, accumulatorUpdates: ctx.accumulatorUpdates, metrics: finish(ctx, start, now, value) }
      }
      pending = value
    } else {
      const records = binary.rdd.iterator(task.partition, ctx) as Iterator<readonly [unknown, unknown]>
      const status = ShuffleManager.write(binary.dep, task.partition.index, records, ctx)
      return { _tag: "ShuffleMapSuccess", status, accumulatorUpdates: ctx.accumulatorUpdates, metrics: finish(ctx, start, now, status) }
    }
  } catch (error) {
    return failure(error, finish(ctx, start, now, undefined))
  } finally {
    try {
      if (pending === undefined) ctx.markTaskCompleted()
    } finally {
      TaskContextModule.setCurrent(undefined)
    }
  }
  running?.set(task.taskId, ctx)
  return settle(task.taskId, pending, ctx, running, () => finish(ctx, start, now, undefined))
}

/** The result of an asynchronous task once its promise settles; a task killed before that reports TaskKilled. */
const settle = async (
  taskId: number,
  pending: PromiseLike<unknown>,
  ctx: TaskContextModule.TaskContext,
  running: Map<number, TaskContextModule.TaskContext> | undefined,
  measured: () => TaskMetrics
): Promise<TaskResult> => {
  let result: TaskResult
  try {
    const value = await pending
    const metrics = measured()
    result = {
      _tag: "Success",
      value,
      accumulatorUpdates: ctx.accumulatorUpdates,
      metrics: { ...metrics, resultSize: estimateSize(value) }
    }
  } catch (error) {
    result = failure(error, measured())
  }
  if (running?.get(taskId) === ctx) running.delete(taskId)
  if (ctx.isInterrupted()) result = { _tag: "TaskKilled", reason: ctx.getKillReason() ?? "killed" }
  try {
    ctx.markTaskCompleted()
  } catch (error) {
    result = failure(error, measured())
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

/**
 * Kills asked of an executor's tasks (the in-process backend's or an
 * executor's): a running asynchronous task is interrupted; a task received
 * and not started keeps its kill until it would start; a kill for a task
 * whose status was already reported (the kill crossed it) is dropped, so
 * nothing is kept per task once it has ended.
 */
export class PendingKills {
  private readonly unfinished = new Set<number>()
  private readonly reasons = new Map<number, string>()

  /** A task was received: a kill may now be kept for it until it ends. */
  received(taskId: number): void {
    this.unfinished.add(taskId)
  }

  /** Kills a task: interrupts it when it runs asynchronously in `running`, else keeps the kill while it has not ended. */
  kill(running: ReadonlyMap<number, TaskContextModule.TaskContext>, taskId: number, reason: string, warn: (message: string) => void): void {
    if (!interruptRunning(running, taskId, reason, warn) && this.unfinished.has(taskId)) this.reasons.set(taskId, reason)
  }

  /** The kill kept for a task about to start (taken: it is asked once). */
  take(taskId: number): string | undefined {
    const reason = this.reasons.get(taskId)
    this.reasons.delete(taskId)
    return reason
  }

  /** The task's status is being reported: it is forgotten. */
  ended(taskId: number): void {
    this.unfinished.delete(taskId)
    this.reasons.delete(taskId)
  }

  /** How many kills are kept (bounded by the tasks received and not ended). */
  get size(): number {
    return this.reasons.size
  }
}
