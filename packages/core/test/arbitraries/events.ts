// Generated listener events of every kind, for JsonProtocol's round trip.
// Numbers are JSON-exact (integers, and millisecond fractions for times);
// property keys never look like array indices (a JSON object would reorder them).
import * as fc from "fast-check"
import type { TaskMetrics } from "../../src/executor/TaskMetrics.js"
import type { JsonValue, RDDInfo, SparkListenerEvent, StageInfo, TaskInfo } from "../../src/scheduler/SparkListener.js"

const id = fc.nat({ max: 1_000_000 })
const time = fc.nat({ max: 2 ** 45 })
const ms = fc.nat({ max: 10_000_000 }).map((n) => n / 1000)
const text = fc.string({ maxLength: 20 })
const key = fc.string({ minLength: 1, maxLength: 12 }).map((s) => `k.${s}`)
const pairs = fc.uniqueArray(fc.tuple(key, text), { maxLength: 5, selector: ([k]) => k })

const level = fc.record({
  useDisk: fc.boolean(),
  useMemory: fc.boolean(),
  deserialized: fc.boolean(),
  replication: fc.integer({ min: 1, max: 3 })
})

const rddInfo: fc.Arbitrary<RDDInfo> = fc.record({
  rddId: id,
  name: text,
  numPartitions: id,
  parentIds: fc.array(id, { maxLength: 3 }),
  storageLevel: level,
  scope: text,
  callSite: text
})

const optional = <A>(arb: fc.Arbitrary<A>) => fc.option(arb, { nil: undefined })

const stageInfo: fc.Arbitrary<StageInfo> = fc.record({
  stageId: id,
  attemptNumber: id,
  name: text,
  kind: fc.constantFrom("ShuffleMapStage" as const, "ResultStage" as const),
  numTasks: id,
  rddInfos: fc.array(rddInfo, { maxLength: 3 }),
  parentIds: fc.array(id, { maxLength: 3 }),
  submissionTime: optional(time),
  completionTime: optional(time),
  failureReason: optional(text)
}).map((s) => ({ ...s, rddIds: s.rddInfos.map((r) => r.rddId) }))

const taskInfo: fc.Arbitrary<TaskInfo> = fc.record({
  taskId: id,
  index: id,
  attemptNumber: id,
  executorId: text,
  host: text,
  locality: fc.constantFrom("PROCESS_LOCAL", "NODE_LOCAL", "ANY"),
  launchTime: time
})

const metrics: fc.Arbitrary<TaskMetrics> = fc.record({
  executorDeserializeTime: ms,
  executorRunTime: ms,
  resultSize: id,
  memoryBytesSpilled: id,
  diskBytesSpilled: id,
  inputMetrics: fc.record({ bytesRead: id, recordsRead: id }),
  shuffleReadMetrics: fc.record({
    remoteBlocksFetched: id,
    localBlocksFetched: id,
    fetchWaitTime: ms,
    remoteBytesRead: id,
    localBytesRead: id,
    recordsRead: id
  }),
  shuffleWriteMetrics: fc.record({ bytesWritten: id, writeTime: ms, recordsWritten: id })
})

const jsonValue: fc.Arbitrary<JsonValue> = fc.jsonValue({ maxDepth: 3 }).map((v) =>
  // JSON has no -0: the generator's -0 would come back as 0.
  JSON.parse(JSON.stringify(v)) as JsonValue
)

/** Every kind of event, each kind as likely as the others. */
const blockManagerId = fc.record({ executorId: text, host: text, port: fc.integer({ min: 0, max: 65535 }) })

export const sparkEvent: fc.Arbitrary<SparkListenerEvent> = fc.oneof(
  fc.record({ _tag: fc.constant("ApplicationStart" as const), appName: text, appId: text, time, sparkUser: text }),
  fc.record({ _tag: fc.constant("ApplicationEnd" as const), time }),
  fc.record({
    _tag: fc.constant("EnvironmentUpdate" as const),
    environmentDetails: fc.record({ runtime: pairs, sparkProperties: pairs, systemProperties: pairs })
  }),
  fc.record({
    _tag: fc.constant("JobStart" as const),
    jobId: id,
    time,
    stageInfos: fc.array(stageInfo, { maxLength: 3 }),
    properties: pairs.map((p) => new Map(p))
  }),
  fc.record({
    _tag: fc.constant("JobEnd" as const),
    jobId: id,
    time,
    result: fc.oneof(fc.constant("JobSucceeded" as const), fc.record({ failure: text }))
  }),
  fc.record({ _tag: fc.constant("StageSubmitted" as const), stageInfo }),
  fc.record({ _tag: fc.constant("StageCompleted" as const), stageInfo }),
  fc.record({ _tag: fc.constant("TaskStart" as const), stageId: id, stageAttemptId: id, taskInfo }),
  fc.record({
    _tag: fc.constant("TaskEnd" as const),
    stageId: id,
    stageAttemptId: id,
    taskType: fc.constantFrom("ShuffleMapTask" as const, "ResultTask" as const),
    reason: fc.oneof(
      fc.constant({ _tag: "Success" as const }),
      fc.record({ _tag: fc.constant("ExceptionFailure" as const), message: text }),
      fc.record({ _tag: fc.constant("FetchFailed" as const), shuffleId: id, mapId: id, message: text }),
      fc.record({ _tag: fc.constant("TaskKilled" as const), reason: text }),
      fc.record({ _tag: fc.constant("ExecutorLost" as const), executorId: text })
    ),
    taskInfo,
    finishTime: time,
    taskMetrics: optional(metrics)
  }),
  fc.record({ _tag: fc.constant("ExecutorAdded" as const), executorId: text, host: text, cores: id, time }),
  fc.record({ _tag: fc.constant("ExecutorRemoved" as const), executorId: text, reason: text, time }),
  fc.record({
    _tag: fc.constant("BlockManagerAdded" as const),
    time,
    blockManagerId: blockManagerId,
    maxMem: id,
    // Spark's Option fields: absent in older logs.
    maxOnHeapMem: optional(id),
    maxOffHeapMem: optional(id)
  }),
  fc.record({ _tag: fc.constant("BlockManagerRemoved" as const), time, blockManagerId: blockManagerId }),
  fc.record({
    _tag: fc.constant("BlockUpdated" as const),
    blockUpdatedInfo: fc.record({ executorId: text, host: text, blockId: text, storageLevel: level, memSize: id, diskSize: id })
  }),
  fc.record({ _tag: fc.constant("UnpersistRDD" as const), rddId: id }),
  fc.record({ _tag: fc.constant("OtherEvent" as const), source: text, event: jsonValue })
)
