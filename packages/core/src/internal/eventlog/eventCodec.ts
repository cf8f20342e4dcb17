// Each listener event to one JSON object and back, in the shapes and with
// the field names of Spark's JsonProtocol ("Stage ID", "Task Info", ...),
// so that an event log reads like Spark's. Fields Spark does not have carry
// tspark's extensions under names in the same style ("Stage Kind").
import type { SparkListenerEvent } from "../../scheduler/SparkListener.js"
import {
  blockFromJson,
  blockManagerIdFromJson,
  blockManagerIdToJson,
  blockToJson,
  compact,
  metricsFromJson,
  metricsToJson,
  reasonFromJson,
  reasonToJson,
  stageInfoFromJson,
  stageInfoToJson,
  taskInfoFromJson,
  taskInfoToJson
} from "./eventParts.js"
import { FieldError, Fields, type JsonObject, pairsToJson } from "./jsonFields.js"

/** Spark's event names, by tag. */
export const EVENT_NAMES = {
  ApplicationStart: "SparkListenerApplicationStart",
  ApplicationEnd: "SparkListenerApplicationEnd",
  BlockManagerAdded: "SparkListenerBlockManagerAdded",
  BlockManagerRemoved: "SparkListenerBlockManagerRemoved",
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

// ------------------------------------------------------------ events

/** The event's fields (without "Event"). */
const fieldsOf = (event: SparkListenerEvent): JsonObject => {
  switch (event._tag) {
    case "ApplicationStart":
      return { "App Name": event.appName, "App ID": event.appId, "Timestamp": event.time, "User": event.sparkUser }
    case "ApplicationEnd":
      return { "Timestamp": event.time }
    case "BlockManagerAdded":
      return compact({
        "Block Manager ID": blockManagerIdToJson(event.blockManagerId),
        "Maximum Memory": event.maxMem,
        "Timestamp": event.time,
        "Maximum Onheap Memory": event.maxOnHeapMem,
        "Maximum Offheap Memory": event.maxOffHeapMem
      })
    case "BlockManagerRemoved":
      return { "Block Manager ID": blockManagerIdToJson(event.blockManagerId), "Timestamp": event.time }
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
    case "BlockManagerAdded":
      return {
        _tag: tag,
        time: f.num("Timestamp"),
        blockManagerId: blockManagerIdFromJson(f.obj("Block Manager ID")),
        maxMem: f.num("Maximum Memory"),
        maxOnHeapMem: f.optNum("Maximum Onheap Memory"),
        maxOffHeapMem: f.optNum("Maximum Offheap Memory")
      }
    case "BlockManagerRemoved":
      return { _tag: tag, time: f.num("Timestamp"), blockManagerId: blockManagerIdFromJson(f.obj("Block Manager ID")) }
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
