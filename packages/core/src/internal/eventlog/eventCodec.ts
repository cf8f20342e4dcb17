// Each listener event to one JSON object and back, in the shapes and with
// the field names of Spark's JsonProtocol ("Stage ID", "Task Info", ...),
// so that an event log reads like Spark's. Fields Spark does not have carry
// tspark's extensions under names in the same style ("Stage Kind").
import type { TaskMetrics } from "../../executor/TaskMetrics.js"
import type {
  BlockUpdatedInfo,
  JsonValue,
  RDDInfo,
  SparkListenerEvent,
  StageInfo,
  StorageLevelInfo,
  TaskEndReason,
  TaskInfo
} from "../../scheduler/SparkListener.js"
import { FieldError, Fields, type JsonObject, numberAt, pairsToJson } from "./jsonFields.js"

/** Spark's event names, by tag. */
export const EVENT_NAMES = {
  ApplicationStart: "SparkListenerApplicationStart",
  ApplicationEnd: "SparkListenerApplicationEnd",
  EnvironmentUpdate: "SparkListenerEnvironmentUpdate",
  JobStart: "SparkListenerJobStart",
  JobEnd: "SparkListenerJobEnd",
  StageSubmitted: "SparkListenerStageSubmitted",
  StageCompleted: "SparkListenerStageCompleted",
  TaskStart: "SparkListenerTaskStart",
  TaskEnd: "SparkListenerTaskEnd",
  ExecutorAdded: "SparkListenerExecutorAdded",
  ExecutorRemoved: "SparkListenerExecutorRemoved",
  BlockUpdated: "SparkListenerBlockUpdated",
  UnpersistRDD: "SparkListenerUnpersistRDD",
  OtherEvent: "SparkListenerOtherEvent"
} as const satisfies Record<SparkListenerEvent["_tag"], string>

const TAGS = new Map<string, SparkListenerEvent["_tag"]>(
  Object.entries(EVENT_NAMES).map(([tag, name]) => [name, tag as SparkListenerEvent["_tag"]])
)

/** Drops `undefined` fields, as Spark leaves out a `None`. */
const compact = (fields: Record<string, JsonValue | undefined>): JsonObject => {
  const out: Record<string, JsonValue> = {}
  for (const key in fields) if (fields[key] !== undefined) out[key] = fields[key]
  return out
}

// ------------------------------------------------------------ parts

const levelToJson = (level: StorageLevelInfo): JsonObject => ({
  "Use Disk": level.useDisk,
  "Use Memory": level.useMemory,
  "Deserialized": level.deserialized,
  "Replication": level.replication
})

const levelFromJson = (f: Fields): StorageLevelInfo => ({
  useDisk: f.bool("Use Disk"),
  useMemory: f.bool("Use Memory"),
  deserialized: f.bool("Deserialized"),
  replication: f.num("Replication")
})

const rddInfoToJson = (info: RDDInfo): JsonObject => ({
  "RDD ID": info.rddId,
  "Name": info.name,
  "Scope": info.scope,
  "Callsite": info.callSite,
  "Parent IDs": info.parentIds,
  "Storage Level": levelToJson(info.storageLevel),
  "Number of Partitions": info.numPartitions
})

const rddInfoFromJson = (f: Fields): RDDInfo => ({
  rddId: f.num("RDD ID"),
  name: f.str("Name"),
  numPartitions: f.num("Number of Partitions"),
  parentIds: f.arr("Parent IDs", numberAt),
  storageLevel: levelFromJson(f.obj("Storage Level")),
  scope: f.str("Scope"),
  callSite: f.str("Callsite")
})

const stageInfoToJson = (info: StageInfo): JsonObject =>
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

const stageInfoFromJson = (f: Fields): StageInfo => {
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

const taskInfoToJson = (info: TaskInfo, finishTime?: number): JsonObject =>
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

const taskInfoFromJson = (f: Fields): TaskInfo => ({
  taskId: f.num("Task ID"),
  index: f.num("Index"),
  attemptNumber: f.num("Attempt"),
  executorId: f.str("Executor ID"),
  host: f.str("Host"),
  locality: f.str("Locality"),
  launchTime: f.num("Launch Time")
})

const reasonToJson = (reason: TaskEndReason): JsonObject => {
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

const reasonFromJson = (f: Fields): TaskEndReason => {
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

const metricsToJson = (m: TaskMetrics): JsonObject => ({
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

const metricsFromJson = (f: Fields): TaskMetrics => {
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

const blockToJson = (info: BlockUpdatedInfo): JsonObject => ({
  "Block Manager ID": { "Executor ID": info.executorId, "Host": info.host },
  "Block ID": info.blockId,
  "Storage Level": levelToJson(info.storageLevel),
  "Memory Size": info.memSize,
  "Disk Size": info.diskSize
})

const blockFromJson = (f: Fields): BlockUpdatedInfo => {
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

// ------------------------------------------------------------ events

/** The event's fields (without "Event"). */
const fieldsOf = (event: SparkListenerEvent): JsonObject => {
  switch (event._tag) {
    case "ApplicationStart":
      return { "App Name": event.appName, "App ID": event.appId, "Timestamp": event.time, "User": event.sparkUser }
    case "ApplicationEnd":
      return { "Timestamp": event.time }
    case "EnvironmentUpdate":
      return {
        "Runtime Information": pairsToJson(event.environmentDetails.runtime),
        "Spark Properties": pairsToJson(event.environmentDetails.sparkProperties),
        "System Properties": pairsToJson(event.environmentDetails.systemProperties)
      }
    case "JobStart":
      return {
        "Job ID": event.jobId,
        "Submission Time": event.time,
        "Stage Infos": event.stageInfos.map((s) => stageInfoToJson(s)),
        "Stage IDs": event.stageInfos.map((s) => s.stageId),
        "Properties": pairsToJson(event.properties)
      }
    case "JobEnd":
      return {
        "Job ID": event.jobId,
        "Completion Time": event.time,
        "Job Result": event.result === "JobSucceeded"
          ? { "Result": "JobSucceeded" }
          : { "Result": "JobFailed", "Exception": { "Message": event.result.failure } }
      }
    case "StageSubmitted":
    case "StageCompleted":
      return { "Stage Info": stageInfoToJson(event.stageInfo) }
    case "TaskStart":
      return { "Stage ID": event.stageId, "Stage Attempt ID": event.stageAttemptId, "Task Info": taskInfoToJson(event.taskInfo) }
    case "TaskEnd":
      return compact({
        "Stage ID": event.stageId,
        "Stage Attempt ID": event.stageAttemptId,
        "Task Type": event.taskType,
        "Task End Reason": reasonToJson(event.reason),
        "Task Info": taskInfoToJson(event.taskInfo, event.finishTime),
        "Task Metrics": event.taskMetrics === undefined ? undefined : metricsToJson(event.taskMetrics)
      })
    case "ExecutorAdded":
      return {
        "Timestamp": event.time,
        "Executor ID": event.executorId,
        "Executor Info": { "Host": event.host, "Total Cores": event.cores }
      }
    case "ExecutorRemoved":
      return { "Timestamp": event.time, "Executor ID": event.executorId, "Removed Reason": event.reason }
    case "BlockUpdated":
      return { "Block Updated Info": blockToJson(event.blockUpdatedInfo) }
    case "UnpersistRDD":
      return { "RDD ID": event.rddId }
    case "OtherEvent":
      return { "Source": event.source, "Payload": event.event }
  }
}

export const eventToJson = (event: SparkListenerEvent): JsonObject => ({ "Event": EVENT_NAMES[event._tag], ...fieldsOf(event) })

/** The event of a JSON object; throws `FieldError` naming the first bad field. */
export const eventFromJson = (json: unknown): SparkListenerEvent => {
  const f = Fields.of(json, "")
  const name = f.str("Event")
  const tag = TAGS.get(name)
  if (tag === undefined) throw new FieldError(`"Event"`, `a known event name, got ${JSON.stringify(name)}`)
  switch (tag) {
    case "ApplicationStart":
      return { _tag: tag, appName: f.str("App Name"), appId: f.str("App ID"), time: f.num("Timestamp"), sparkUser: f.str("User") }
    case "ApplicationEnd":
      return { _tag: tag, time: f.num("Timestamp") }
    case "EnvironmentUpdate":
      return {
        _tag: tag,
        environmentDetails: {
          runtime: f.pairs("Runtime Information"),
          sparkProperties: f.pairs("Spark Properties"),
          systemProperties: f.pairs("System Properties")
        }
      }
    case "JobStart":
      return {
        _tag: tag,
        jobId: f.num("Job ID"),
        time: f.num("Submission Time"),
        stageInfos: f.arr("Stage Infos", (v, p) => stageInfoFromJson(Fields.of(v, p))),
        properties: new Map(f.pairs("Properties"))
      }
    case "JobEnd": {
      const result = f.obj("Job Result")
      const outcome = result.str("Result")
      if (outcome !== "JobSucceeded" && outcome !== "JobFailed") {
        throw new FieldError(`"Job Result"."Result"`, `JobSucceeded or JobFailed, got ${JSON.stringify(outcome)}`)
      }
      return {
        _tag: tag,
        jobId: f.num("Job ID"),
        time: f.num("Completion Time"),
        result: outcome === "JobSucceeded" ? "JobSucceeded" : { failure: result.obj("Exception").str("Message") }
      }
    }
    case "StageSubmitted":
    case "StageCompleted":
      return { _tag: tag, stageInfo: stageInfoFromJson(f.obj("Stage Info")) }
    case "TaskStart":
      return {
        _tag: tag,
        stageId: f.num("Stage ID"),
        stageAttemptId: f.num("Stage Attempt ID"),
        taskInfo: taskInfoFromJson(f.obj("Task Info"))
      }
    case "TaskEnd": {
      const taskType = f.str("Task Type")
      if (taskType !== "ShuffleMapTask" && taskType !== "ResultTask") {
        throw new FieldError(`"Task Type"`, `ShuffleMapTask or ResultTask, got ${JSON.stringify(taskType)}`)
      }
      const info = f.obj("Task Info")
      return {
        _tag: tag,
        stageId: f.num("Stage ID"),
        stageAttemptId: f.num("Stage Attempt ID"),
        taskType,
        reason: reasonFromJson(f.obj("Task End Reason")),
        taskInfo: taskInfoFromJson(info),
        finishTime: info.num("Finish Time"),
        taskMetrics: f.has("Task Metrics") ? metricsFromJson(f.obj("Task Metrics")) : undefined
      }
    }
    case "ExecutorAdded": {
      const info = f.obj("Executor Info")
      return {
        _tag: tag,
        executorId: f.str("Executor ID"),
        host: info.str("Host"),
        cores: info.num("Total Cores"),
        time: f.num("Timestamp")
      }
    }
    case "ExecutorRemoved":
      return { _tag: tag, executorId: f.str("Executor ID"), reason: f.str("Removed Reason"), time: f.num("Timestamp") }
    case "BlockUpdated":
      return { _tag: tag, blockUpdatedInfo: blockFromJson(f.obj("Block Updated Info")) }
    case "UnpersistRDD":
      return { _tag: tag, rddId: f.num("RDD ID") }
    case "OtherEvent":
      return { _tag: tag, source: f.str("Source"), event: f.raw("Payload") }
  }
}
