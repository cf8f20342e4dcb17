// The parts of listener events' JSON shared by several events (storage
// levels, RDD, stage and task infos, task end reasons, task metrics, block
// updates, block manager ids), in Spark's JsonProtocol shapes and names.
import type { TaskMetrics } from "../../executor/TaskMetrics.js"
import type {
  BlockManagerIdInfo,
  BlockUpdatedInfo,
  JsonValue,
  RDDInfo,
  StageInfo,
  StorageLevelInfo,
  TaskEndReason,
  TaskInfo
} from "../../scheduler/SparkListener.js"
import { FieldError, Fields, type JsonObject, numberAt } from "./jsonFields.js"

/** Drops `undefined` fields, as Spark leaves out a `None`. */
export const compact = (fields: Record<string, JsonValue | undefined>): JsonObject => {
  const out: Record<string, JsonValue> = {}
  for (const key in fields) if (fields[key] !== undefined) out[key] = fields[key]
  return out
}

export const levelToJson = (level: StorageLevelInfo): JsonObject => ({
  "Use Disk": level.useDisk,
  "Use Memory": level.useMemory,
  "Deserialized": level.deserialized,
  "Replication": level.replication
})

export const levelFromJson = (f: Fields): StorageLevelInfo => ({
  useDisk: f.bool("Use Disk"),
  useMemory: f.bool("Use Memory"),
  deserialized: f.bool("Deserialized"),
  replication: f.num("Replication")
})

export const rddInfoToJson = (info: RDDInfo): JsonObject => ({
  "RDD ID": info.rddId,
  "Name": info.name,
  "Scope": info.scope,
  "Callsite": info.callSite,
  "Parent IDs": info.parentIds,
  "Storage Level": levelToJson(info.storageLevel),
  "Number of Partitions": info.numPartitions
})

export const rddInfoFromJson = (f: Fields): RDDInfo => ({
  rddId: f.num("RDD ID"),
  name: f.str("Name"),
  numPartitions: f.num("Number of Partitions"),
  parentIds: f.arr("Parent IDs", numberAt),
  storageLevel: levelFromJson(f.obj("Storage Level")),
  scope: f.str("Scope"),
  callSite: f.str("Callsite")
})

export const stageInfoToJson = (info: StageInfo): JsonObject =>
  compact({
    "Stage ID": info.stageId,
    "Stage Attempt ID": info.attemptNumber,
    "Stage Name": info.name,
    "Stage Kind": info.kind,
    "Number of Tasks": info.numTasks,
    "RDD Info": info.rddInfos.map(rddInfoToJson),
    "Parent IDs": info.parentIds,
    "Submission Time": info.submissionTime,
    "Completion Time": info.completionTime,
    "Failure Reason": info.failureReason
  })

export const stageInfoFromJson = (f: Fields): StageInfo => {
  const kind = f.str("Stage Kind")
  if (kind !== "ShuffleMapStage" && kind !== "ResultStage") {
    throw new FieldError(`${f.path}."Stage Kind"`, `ShuffleMapStage or ResultStage, got ${JSON.stringify(kind)}`)
  }
  const rddInfos = f.arr("RDD Info", (v, p) => rddInfoFromJson(Fields.of(v, p)))
  return {
    stageId: f.num("Stage ID"),
    attemptNumber: f.num("Stage Attempt ID"),
    name: f.str("Stage Name"),
    kind,
    numTasks: f.num("Number of Tasks"),
    rddIds: rddInfos.map((info) => info.rddId),
    rddInfos,
    parentIds: f.arr("Parent IDs", numberAt),
    submissionTime: f.optNum("Submission Time"),
    completionTime: f.optNum("Completion Time"),
    failureReason: f.optStr("Failure Reason")
  }
}

export const taskInfoToJson = (info: TaskInfo, finishTime?: number): JsonObject =>
  compact({
    "Task ID": info.taskId,
    "Index": info.index,
    "Attempt": info.attemptNumber,
    "Launch Time": info.launchTime,
    "Executor ID": info.executorId,
    "Host": info.host,
    "Locality": info.locality,
    "Finish Time": finishTime
  })

export const taskInfoFromJson = (f: Fields): TaskInfo => ({
  taskId: f.num("Task ID"),
  index: f.num("Index"),
  attemptNumber: f.num("Attempt"),
  executorId: f.str("Executor ID"),
  host: f.str("Host"),
  locality: f.str("Locality"),
  launchTime: f.num("Launch Time")
})

export const reasonToJson = (reason: TaskEndReason): JsonObject => {
  switch (reason._tag) {
    case "Success":
      return { "Reason": "Success" }
    case "ExceptionFailure":
      return { "Reason": "ExceptionFailure", "Description": reason.message }
    case "FetchFailed":
      return { "Reason": "FetchFailed", "Shuffle ID": reason.shuffleId, "Map ID": reason.mapId, "Message": reason.message }
    case "TaskKilled":
      return { "Reason": "TaskKilled", "Kill Reason": reason.reason }
    case "ExecutorLost":
      return { "Reason": "ExecutorLostFailure", "Executor ID": reason.executorId }
  }
}

export const reasonFromJson = (f: Fields): TaskEndReason => {
  const reason = f.str("Reason")
  switch (reason) {
    case "Success":
      return { _tag: "Success" }
    case "ExceptionFailure":
      return { _tag: "ExceptionFailure", message: f.str("Description") }
    case "FetchFailed":
      return { _tag: "FetchFailed", shuffleId: f.num("Shuffle ID"), mapId: f.num("Map ID"), message: f.str("Message") }
    case "TaskKilled":
      return { _tag: "TaskKilled", reason: f.str("Kill Reason") }
    case "ExecutorLostFailure":
      return { _tag: "ExecutorLost", executorId: f.str("Executor ID") }
    default:
      throw new FieldError(`${f.path}."Reason"`, `a task end reason, got ${JSON.stringify(reason)}`)
  }
}

export const metricsToJson = (m: TaskMetrics): JsonObject => ({
  "Executor Deserialize Time": m.executorDeserializeTime,
  "Executor Run Time": m.executorRunTime,
  "Result Size": m.resultSize,
  "Memory Bytes Spilled": m.memoryBytesSpilled,
  "Disk Bytes Spilled": m.diskBytesSpilled,
  "Shuffle Read Metrics": {
    "Remote Blocks Fetched": m.shuffleReadMetrics.remoteBlocksFetched,
    "Local Blocks Fetched": m.shuffleReadMetrics.localBlocksFetched,
    "Fetch Wait Time": m.shuffleReadMetrics.fetchWaitTime,
    "Remote Bytes Read": m.shuffleReadMetrics.remoteBytesRead,
    "Local Bytes Read": m.shuffleReadMetrics.localBytesRead,
    "Total Records Read": m.shuffleReadMetrics.recordsRead
  },
  "Shuffle Write Metrics": {
    "Shuffle Bytes Written": m.shuffleWriteMetrics.bytesWritten,
    "Shuffle Write Time": m.shuffleWriteMetrics.writeTime,
    "Shuffle Records Written": m.shuffleWriteMetrics.recordsWritten
  },
  "Input Metrics": { "Bytes Read": m.inputMetrics.bytesRead, "Records Read": m.inputMetrics.recordsRead }
})

export const metricsFromJson = (f: Fields): TaskMetrics => {
  const read = f.obj("Shuffle Read Metrics")
  const write = f.obj("Shuffle Write Metrics")
  const input = f.obj("Input Metrics")
  return {
    executorDeserializeTime: f.num("Executor Deserialize Time"),
    executorRunTime: f.num("Executor Run Time"),
    resultSize: f.num("Result Size"),
    memoryBytesSpilled: f.num("Memory Bytes Spilled"),
    diskBytesSpilled: f.num("Disk Bytes Spilled"),
    inputMetrics: { bytesRead: input.num("Bytes Read"), recordsRead: input.num("Records Read") },
    shuffleReadMetrics: {
      remoteBlocksFetched: read.num("Remote Blocks Fetched"),
      localBlocksFetched: read.num("Local Blocks Fetched"),
      fetchWaitTime: read.num("Fetch Wait Time"),
      remoteBytesRead: read.num("Remote Bytes Read"),
      localBytesRead: read.num("Local Bytes Read"),
      recordsRead: read.num("Total Records Read")
    },
    shuffleWriteMetrics: {
      bytesWritten: write.num("Shuffle Bytes Written"),
      writeTime: write.num("Shuffle Write Time"),
      recordsWritten: write.num("Shuffle Records Written")
    }
  }
}

export const blockToJson = (info: BlockUpdatedInfo): JsonObject => ({
  "Block Manager ID": { "Executor ID": info.executorId, "Host": info.host },
  "Block ID": info.blockId,
  "Storage Level": levelToJson(info.storageLevel),
  "Memory Size": info.memSize,
  "Disk Size": info.diskSize
})

export const blockFromJson = (f: Fields): BlockUpdatedInfo => {
  const manager = f.obj("Block Manager ID")
  return {
    executorId: manager.str("Executor ID"),
    host: manager.str("Host"),
    blockId: f.str("Block ID"),
    storageLevel: levelFromJson(f.obj("Storage Level")),
    memSize: f.num("Memory Size"),
    diskSize: f.num("Disk Size")
  }
}

export const blockManagerIdToJson = (id: BlockManagerIdInfo): JsonObject => ({
  "Executor ID": id.executorId,
  "Host": id.host,
  "Port": id.port
})

export const blockManagerIdFromJson = (f: Fields): BlockManagerIdInfo => ({
  executorId: f.str("Executor ID"),
  host: f.str("Host"),
  port: f.num("Port")
})
