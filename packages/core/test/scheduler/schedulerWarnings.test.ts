/**
 * What goes wrong in the scheduler is logged at WARN: a lost executor, a
 * failed task (exception, fetch failure, its executor lost), a failed stage
 * and a resubmitted stage; a killed task and a failed job at INFO; a
 * successful task and a first stage attempt log nothing.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Logger } from "effect"
import { schedulerLogging } from "../../src/internal/scheduler/schedulerLogging.js"
import type { StageInfo, TaskEndReason, TaskInfo } from "../../src/scheduler/SparkListener.js"
import { stageInfo } from "../utils/listenerEvents.js"

const stage = (attemptNumber: number, failureReason?: string): StageInfo =>
  stageInfo(4, 2, { attemptNumber, name: "count at app.ts:3", kind: "ShuffleMapStage", submissionTime: 0, failureReason })
const taskInfo = { taskId: 9, index: 1, attemptNumber: 0, host: "localhost", executorId: "2" } as unknown as TaskInfo
const taskEnd = (reason: TaskEndReason) =>
  ({ _tag: "TaskEnd", stageId: 4, stageAttemptId: 0, taskType: "ShuffleMapTask", reason, taskInfo, finishTime: 1 }) as const

describe("scheduler log levels", () => {
  it.effect("executor loss, task failures, stage failure and resubmission at WARN", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      const logger = Logger.make(({ logLevel, message }) => void lines.push(`${logLevel} ${String(message)}`))
      const logged: Array<Effect.Effect<void>> = []
      const listener = schedulerLogging((log) => void logged.push(log))
      listener.onTaskEnd!(taskEnd({ _tag: "Success" }))
      listener.onStageSubmitted!({ _tag: "StageSubmitted", stageInfo: stage(0) })
      assert.strictEqual(logged.length, 0)
      listener.onExecutorRemoved!({ _tag: "ExecutorRemoved", executorId: "2", reason: "its heartbeats stopped", time: 1 })
      listener.onTaskEnd!(taskEnd({ _tag: "ExecutorLost", executorId: "2" }))
      listener.onTaskEnd!(taskEnd({ _tag: "ExceptionFailure", message: "bad record" }))
      listener.onTaskEnd!(taskEnd({ _tag: "FetchFailed", shuffleId: 1, mapId: 0, message: "no output" }))
      listener.onStageCompleted!({ _tag: "StageCompleted", stageInfo: stage(0, "fetch failed") })
      listener.onStageSubmitted!({ _tag: "StageSubmitted", stageInfo: stage(1) })
      listener.onTaskEnd!(taskEnd({ _tag: "TaskKilled", reason: "stage cancelled" }))
      listener.onJobEnd!({ _tag: "JobEnd", jobId: 0, time: 2, result: { failure: "stage 4 failed" } })
      yield* Effect.all(logged).pipe(Effect.provide(Logger.layer([logger])))
      assert.deepStrictEqual(lines.map((line) => line.split(" ")[0]), ["Warn", "Warn", "Warn", "Warn", "Warn", "Warn", "Info", "Info"])
      assert.strictEqual(lines[0], "Warn Lost executor 2: its heartbeats stopped")
      assert.match(lines[1]!, /^Warn Lost task 1\.0 in stage 4\.0 \(TID 9, localhost executor 2\): executor 2 was lost$/)
      assert.match(lines[2]!, /bad record$/)
      assert.match(lines[3]!, /fetch of shuffle 1 map 0 failed: no output$/)
      assert.match(lines[4]!, /^Warn ShuffleMapStage 4\.0 \(count at app\.ts:3\) failed: fetch failed$/)
      assert.match(lines[5]!, /^Warn Resubmitting ShuffleMapStage 4 \(count at app\.ts:3\), attempt 1$/)
    }))
})
