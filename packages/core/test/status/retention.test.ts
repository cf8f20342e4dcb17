/**
 * What the status store keeps stays bounded over thousands of events: task
 * metric samples by spark.ui.retainedTasks per stage (the latest kept), the
 * stages with their samples by spark.ui.retainedStages, and the storage
 * side by what is cached now (RDDs unpersisted, blocks removed, executors lost).
 */
import { assert, describe, it } from "@effect/vitest"
import { TaskMetricsCollector } from "../../src/executor/TaskMetrics.js"
import type { BlockUpdatedInfo, SparkListenerEvent, StageInfo } from "../../src/scheduler/SparkListener.js"
import * as SparkConf from "../../src/SparkConf.js"
import { InvalidArgumentError } from "../../src/SparkError.js"
import * as AppStatusListener from "../../src/status/AppStatusListener.js"
import { stageInfo, taskInfo as taskInfoOf } from "../utils/listenerEvents.js"

const statusOf = (conf: Record<string, string>) => {
  const made = AppStatusListener.make(SparkConf.make(conf))
  if (made instanceof InvalidArgumentError) throw new Error(made.message)
  return made
}

const level = { useDisk: false, useMemory: true, deserialized: true, replication: 1 }

const stage = (stageId: number, rddId = 1000 + stageId, persisted = false): StageInfo =>
  stageInfo(stageId, 1, {
    rddIds: [rddId],
    rddInfos: [{
      rddId,
      name: `rdd ${rddId}`,
      numPartitions: 2,
      parentIds: [],
      storageLevel: persisted ? level : { ...level, useMemory: false },
      scope: "map",
      callSite: "MapPartitionsRDD"
    }],
    submissionTime: 0,
    completionTime: 1
  })

const runTasks = (status: AppStatusListener.AppStatusListener, stageId: number, count: number, firstTaskId: number) => {
  for (let t = 0; t < count; t++) {
    const taskInfo = taskInfoOf(t, firstTaskId + t, "exec-1", { host: "h", locality: "ANY" })
    const metrics = new TaskMetricsCollector()
    metrics.shuffleRecordsWritten = t
    status.onTaskStart({ _tag: "TaskStart", stageId, stageAttemptId: 0, taskInfo })
    status.onTaskEnd({
      _tag: "TaskEnd",
      stageId,
      stageAttemptId: 0,
      taskType: "ResultTask",
      reason: { _tag: "Success" },
      taskInfo,
      finishTime: t,
      taskMetrics: metrics.snapshot()
    })
  }
}

const block = (blockId: string, memSize: number): Extract<SparkListenerEvent, { _tag: "BlockUpdated" }> => {
  const info: BlockUpdatedInfo = { executorId: "exec-1", host: "h", blockId, storageLevel: level, memSize, diskSize: 0 }
  return { _tag: "BlockUpdated", blockUpdatedInfo: info }
}

describe("the status store's bounds", () => {
  it("5,000 tasks of one stage: the last spark.ui.retainedTasks are sampled, the totals count them all", () => {
    const status = statusOf({ "spark.ui.retainedTasks": "100" })
    status.onExecutorAdded({ _tag: "ExecutorAdded", executorId: "exec-1", host: "h", cores: 1, time: 0 })
    status.onStageSubmitted({ _tag: "StageSubmitted", stageInfo: stage(0) })
    runTasks(status, 0, 5000, 0)
    assert.strictEqual(status.sizes().taskSamples, 100)
    const distributions = status.taskMetricDistributions(0)!
    assert.strictEqual(distributions.count, 100)
    assert.strictEqual(distributions.shuffleWriteRecords.min, 4900)
    assert.strictEqual(distributions.duration.max, 4999)
    assert.deepStrictEqual(status.stage(0)!.taskDurations.slice(0, 2), [4900, 4901])
    assert.strictEqual(status.stage(0)!.metrics.shuffleWriteRecords, (4999 * 5000) / 2)
  })

  it("3,000 stages: spark.ui.retainedStages of them are kept, with their samples only", () => {
    const status = statusOf({ "spark.ui.retainedStages": "10", "spark.ui.retainedTasks": "5" })
    for (let s = 0; s < 3000; s++) {
      status.onStageSubmitted({ _tag: "StageSubmitted", stageInfo: stage(s) })
      runTasks(status, s, 8, s * 8)
      status.onStageCompleted({ _tag: "StageCompleted", stageInfo: stage(s) })
    }
    const sizes = status.sizes()
    assert.strictEqual(sizes.stages, 10)
    assert.strictEqual(sizes.taskSamples, 50)
    assert.isUndefined(status.taskMetricDistributions(0))
    assert.strictEqual(status.taskMetricDistributions(2999)?.count, 5)
  })

  it("3,000 jobs of two stages, one skipped: each kept job counts it, and only spark.ui.retainedJobs jobs' StageInfos are kept", () => {
    const status = statusOf({ "spark.ui.retainedJobs": "20" })
    const props = new Map<string, string>()
    for (let j = 0; j < 3000; j++) {
      const [skipped, ran] = [stage(2 * j), stage(2 * j + 1)]
      status.onJobStart({ _tag: "JobStart", jobId: j, time: j, stageInfos: [skipped, ran], properties: props })
      status.onStageSubmitted({ _tag: "StageSubmitted", stageInfo: ran })
      status.onStageCompleted({ _tag: "StageCompleted", stageInfo: ran })
      status.onJobEnd({ _tag: "JobEnd", jobId: j, time: j + 1, result: "JobSucceeded" })
    }
    const sizes = status.sizes()
    assert.strictEqual(sizes.jobs, 20)
    assert.strictEqual(sizes.jobStageInfos, 20)
    assert.isUndefined(status.jobStageInfos(0))
    const last = status.job(2999)!
    assert.deepStrictEqual([last.numSkippedStages, last.numSkippedTasks, last.numCompletedStages], [1, 1, 1])
    assert.deepStrictEqual(status.jobStageInfos(2999)!.map((s) => [s.info.stageId, s.submitted]), [[5998, false], [5999, true]])
  })

  it("2,000 cached and unpersisted RDDs and 2,000 stream blocks come and go: nothing stays", () => {
    const status = statusOf({})
    status.onExecutorAdded({ _tag: "ExecutorAdded", executorId: "exec-1", host: "h", cores: 1, time: 0 })
    for (let i = 0; i < 2000; i++) {
      status.onStageSubmitted({ _tag: "StageSubmitted", stageInfo: stage(i, i, true) })
      status.onBlockUpdated(block(`rdd_${i}_0`, 100))
      status.onBlockUpdated(block(`rdd_${i}_1`, 50))
      status.onBlockUpdated(block(`input-0-${i}`, 10))
      if (i === 1999) {
        assert.strictEqual(status.rddStorage().length, 1)
        assert.strictEqual(status.executors()[0]!.memoryUsed, 160)
      }
      status.onUnpersistRDD({ _tag: "UnpersistRDD", rddId: i })
      status.onBlockUpdated(block(`input-0-${i}`, 0))
    }
    assert.include(status.sizes(), { rdds: 0, blocks: 0 })
    assert.deepStrictEqual(status.rddStorage(), [])
    assert.strictEqual(status.executors()[0]!.memoryUsed, 0)
    assert.strictEqual(status.executors()[0]!.rddBlocks, 0)
  })

  it("a lost executor's blocks are forgotten", () => {
    const status = statusOf({})
    status.onExecutorAdded({ _tag: "ExecutorAdded", executorId: "exec-1", host: "h", cores: 1, time: 0 })
    status.onStageSubmitted({ _tag: "StageSubmitted", stageInfo: stage(0, 7, true) })
    status.onBlockUpdated(block("rdd_7_0", 100))
    status.onBlockUpdated(block("input-0-1", 10))
    status.onExecutorRemoved({ _tag: "ExecutorRemoved", executorId: "exec-1", reason: "lost", time: 1 })
    assert.include(status.sizes(), { blocks: 0 })
    assert.deepStrictEqual(status.rddStorage(), [])
  })
})
