// No silent failure: what goes wrong in a job is logged through Effect's
// logger (the one of the code that made the context) as well as posted to the
// listeners. A listener of the context's own turns those events into lines,
// as Spark's TaskSetManager and DAGScheduler log them: a lost task, a lost
// executor, a stage that failed and a stage resubmitted at WARN, a killed
// task and a failed job at INFO (the job's caller gets its error).
import { Effect } from "effect"
import type { SparkListener } from "../../scheduler/SparkListener.js"

export const schedulerLogging = (run: (log: Effect.Effect<void>) => void): SparkListener => ({
  onTaskEnd: (event) => {
    const { reason, taskInfo: task } = event
    if (reason._tag === "Success") return
    const where = `task ${task.index}.${task.attemptNumber} in stage ${event.stageId}.${event.stageAttemptId} ` +
      `(TID ${task.taskId}, ${task.host} executor ${task.executorId})`
    switch (reason._tag) {
      case "TaskKilled":
        return run(Effect.logInfo(`Killed ${where}: ${reason.reason}`))
      case "ExecutorLost":
        return run(Effect.logWarning(`Lost ${where}: executor ${reason.executorId} was lost`))
      case "FetchFailed":
        return run(Effect.logWarning(`Lost ${where}: fetch of shuffle ${reason.shuffleId} map ${reason.mapId} failed: ${reason.message}`))
      case "ExceptionFailure":
        return run(Effect.logWarning(`Lost ${where}: ${reason.message}`))
    }
  },
  onStageSubmitted: ({ stageInfo: stage }) => {
    if (stage.attemptNumber > 0) {
      run(Effect.logWarning(`Resubmitting ${stage.kind} ${stage.stageId} (${stage.name}), attempt ${stage.attemptNumber}`))
    }
  },
  onStageCompleted: ({ stageInfo: stage }) => {
    if (stage.failureReason !== undefined) {
      run(Effect.logWarning(`${stage.kind} ${stage.stageId}.${stage.attemptNumber} (${stage.name}) failed: ${stage.failureReason}`))
    }
  },
  // Spark's TaskSchedulerImpl logs "Lost executor <id> on <host>: <reason>" (at ERROR; a WARN here, as the
  // tasks it had are retried and their own lines say what they lost).
  onExecutorRemoved: (event) => run(Effect.logWarning(`Lost executor ${event.executorId}: ${event.reason}`)),
  onJobEnd: (event) => {
    if (event.result !== "JobSucceeded") run(Effect.logInfo(`Job ${event.jobId} failed: ${event.result.failure}`))
  }
})
