/**
 * AppStatusListener against real jobs on the in-process backend: a
 * two-stage job's job, stages, task counts, task duration summary and the
 * executor's tasks; a failing job's failure; what is kept bounded by the
 * spark.ui.retained* settings over many jobs and executors; a bad setting
 * named.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as SparkConf from "../../src/SparkConf.js"
import * as SparkContext from "../../src/SparkContext.js"
import { InvalidArgumentError } from "../../src/SparkError.js"
import * as AppStatusListener from "../../src/status/AppStatusListener.js"

const statusOf = (conf: Readonly<Record<string, string>> = {}) => {
  const made = AppStatusListener.make(SparkConf.make(conf))
  if (made instanceof InvalidArgumentError) throw new Error(made.message)
  return made
}

describe("AppStatusListener", () => {
  it.live("a two-stage job: its stages, task counts, task duration summary and the executor's tasks", () =>
    Effect.scoped(Effect.gen(function*() {
      const sc = yield* SparkContext.make({ master: "local[2]" })
      const status = statusOf()
      sc.addSparkListener(status)
      sc.setJobGroup("counts", "word counts")
      const counts = yield* sc.parallelize(["a", "b", "a", "c"], 3).map((w) => [w, 1] as const).reduceByKey((a, b) => a + b, 2).collect()
      assert.strictEqual(counts.length, 3)
      yield* sc.waitForListeners()

      const [job] = status.jobs()
      assert.strictEqual(status.jobs().length, 1)
      assert.strictEqual(job!.status, "SUCCEEDED")
      assert.strictEqual(job!.jobGroup, "counts")
      assert.strictEqual(job!.description, "word counts")
      assert.strictEqual(job!.numTasks, 5)
      assert.strictEqual(job!.numCompletedTasks, 5)
      assert.strictEqual(job!.numActiveTasks, 0)
      assert.strictEqual(job!.numCompletedStages, 2)
      assert.isDefined(job!.completionTime)
      const stages = status.stages()
      assert.deepStrictEqual(stages.map((s) => [s.kind, s.status, s.numTasks, s.numCompleteTasks]), [
        ["ResultStage", "COMPLETE", 2, 2],
        ["ShuffleMapStage", "COMPLETE", 3, 3]
      ])
      assert.strictEqual(status.taskDurationDistribution(stages[1]!.stageId)?.count, 3)
      const tasksRun = status.executors().reduce((n, e) => n + e.completedTasks, 0)
      assert.strictEqual(tasksRun, 5)
      assert.isTrue(status.executors().every((e) => e.isActive && e.activeTasks === 0))
    })))

  it.live("a failing job: FAILED with its reason, its stage FAILED, the failed tasks counted", () =>
    Effect.scoped(Effect.gen(function*() {
      const sc = yield* SparkContext.make({ master: "local[1]", conf: { "spark.task.maxFailures": 2 } })
      const status = statusOf()
      sc.addSparkListener(status)
      yield* Effect.flip(
        sc.parallelize([1, 2, 3], 1).map((x): number => {
          if (x === 2) throw new Error("bad record 2")
          return x
        }).collect()
      )
      yield* sc.waitForListeners()
      const [job] = status.jobs()
      assert.strictEqual(job!.status, "FAILED")
      assert.include(job!.failureReason ?? "", "bad record 2")
      assert.strictEqual(job!.numFailedTasks, 2)
      assert.strictEqual(job!.numFailedStages, 1)
      const [stage] = status.stages()
      assert.strictEqual(stage!.status, "FAILED")
      assert.strictEqual(stage!.numFailedTasks, 2)
      assert.strictEqual(status.executors().reduce((n, e) => n + e.failedTasks, 0), 2)
    })))

  it.live("over 60 jobs it keeps the last spark.ui.retainedJobs jobs and spark.ui.retainedStages stages", () =>
    Effect.scoped(Effect.gen(function*() {
      const sc = yield* SparkContext.make({ master: "local[1]" })
      const status = statusOf({ "spark.ui.retainedJobs": "5", "spark.ui.retainedStages": "4" })
      sc.addSparkListener(status)
      for (let i = 0; i < 60; i++) yield* sc.parallelize([i], 1).count()
      yield* sc.waitForListeners()
      assert.deepStrictEqual(status.jobs().map((j) => j.jobId), [59, 58, 57, 56, 55])
      assert.strictEqual(status.stages().length, 4)
      assert.isUndefined(status.job(0))
      // Nothing else grows with the jobs: no stage stays linked to a finished job.
      assert.deepStrictEqual(status.sizes(), {
        jobs: 5,
        stages: 4,
        executors: 1,
        runningStageLinks: 0,
        jobStageInfos: 5,
        taskSamples: 4,
        rdds: 0,
        blocks: 0
      })
    })))

  it("keeps the last spark.ui.retainedDeadExecutors removed executors and the last spark.ui.retainedTasks durations", () => {
    const status = statusOf({ "spark.ui.retainedDeadExecutors": "2", "spark.ui.retainedTasks": "3" })
    for (let i = 0; i < 6; i++) {
      status.onExecutorAdded({ _tag: "ExecutorAdded", executorId: `exec-${i}`, host: "localhost", cores: 1, time: i })
      if (i < 5) status.onExecutorRemoved({ _tag: "ExecutorRemoved", executorId: `exec-${i}`, reason: "lost", time: i + 1 })
    }
    assert.deepStrictEqual(status.executors().map((e) => [e.id, e.isActive]), [["exec-3", false], ["exec-4", false], ["exec-5", true]])
    const stageInfo = {
      stageId: 0,
      attemptNumber: 0,
      name: "count",
      kind: "ResultStage" as const,
      numTasks: 5,
      rddIds: [0],
      rddInfos: [],
      parentIds: [],
      submissionTime: 0,
      completionTime: undefined,
      failureReason: undefined
    }
    status.onStageSubmitted({ _tag: "StageSubmitted", stageInfo })
    for (let t = 0; t < 5; t++) {
      const taskInfo = {
        taskId: t,
        index: t,
        attemptNumber: 0,
        executorId: "exec-5",
        host: "localhost",
        locality: "PROCESS_LOCAL",
        launchTime: 0
      }
      status.onTaskStart({ _tag: "TaskStart", stageId: 0, stageAttemptId: 0, taskInfo })
      status.onTaskEnd({
        _tag: "TaskEnd",
        stageId: 0,
        stageAttemptId: 0,
        taskType: "ResultTask",
        reason: { _tag: "Success" },
        taskInfo,
        finishTime: (t + 1) * 10
      })
    }
    assert.deepStrictEqual(status.stage(0)?.taskDurations, [30, 40, 50])
    assert.strictEqual(status.stage(0)?.numCompleteTasks, 5)
    assert.strictEqual(status.executors().at(-1)?.totalDuration, 150)
  })

  it("a retained setting that is not a positive integer is refused, naming its key", () => {
    const made = AppStatusListener.make(SparkConf.make({ "spark.ui.retainedStages": "-1" }))
    assert.instanceOf(made, InvalidArgumentError)
    assert.include((made as InvalidArgumentError).message, "spark.ui.retainedStages")
  })
})
