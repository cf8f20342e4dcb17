// Streaming listener events to JSON and back, for the event log: each is the
// payload of a core `OtherEvent` (source "streaming"), named as Spark names
// the event classes (`StreamingListenerBatchCompleted`, ...). Maps travel as
// arrays of entries (their keys are numbers); a batch's metadata is written
// as JSON (a bigint as its decimal string, a function or symbol left out), so
// what is not plain data comes back as its JSON form. Reading checks every
// field and names the first bad one.
import type { SparkListener } from "@tspark/core"
import type { ReceiverInfo } from "../scheduler/ReceiverInfo.js"
import type {
  BatchInfo,
  ExecutorAllocationDecision,
  OutputOperationInfo,
  StreamingListenerEvent,
  StreamInputInfo
} from "../scheduler/StreamingListener.js"

type JsonValue = SparkListener.JsonValue
type JsonObject = { readonly [key: string]: JsonValue }

export const EVENT_NAMES = {
  StreamingStarted: "StreamingListenerStreamingStarted",
  BatchSubmitted: "StreamingListenerBatchSubmitted",
  BatchStarted: "StreamingListenerBatchStarted",
  BatchCompleted: "StreamingListenerBatchCompleted",
  OutputOperationStarted: "StreamingListenerOutputOperationStarted",
  OutputOperationCompleted: "StreamingListenerOutputOperationCompleted",
  ReceiverStarted: "StreamingListenerReceiverStarted",
  ReceiverError: "StreamingListenerReceiverError",
  ReceiverStopped: "StreamingListenerReceiverStopped",
  // tspark's own event: Spark has none for dynamic allocation's decisions.
  ExecutorAllocationDecision: "TsparkStreamingExecutorAllocationDecision"
} as const satisfies Record<StreamingListenerEvent["_tag"], string>

const TAGS = new Map(Object.entries(EVENT_NAMES).map(([tag, name]) => [name as string, tag as StreamingListenerEvent["_tag"]]))

/** A field that is missing or mistyped, by its path. */
export class StreamingEventJsonError {
  constructor(readonly message: string) {}
}

const fail = (path: string, expected: string, value: unknown): never => {
  throw new StreamingEventJsonError(
    `${path}: expected ${expected}, got ${value === null ? "null" : Array.isArray(value) ? "array" : typeof value}`
  )
}

const obj = (value: unknown, path: string): JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? value as JsonObject : fail(path, "an object", value)
const num = (o: JsonObject, key: string, path: string): number =>
  typeof o[key] === "number" ? o[key] : fail(`${path}.${key}`, "a number", o[key])
const optNum = (o: JsonObject, key: string, path: string): number | undefined => (o[key] === undefined ? undefined : num(o, key, path))
const str = (o: JsonObject, key: string, path: string): string =>
  typeof o[key] === "string" ? o[key] : fail(`${path}.${key}`, "a string", o[key])
const optStr = (o: JsonObject, key: string, path: string): string | undefined => (o[key] === undefined ? undefined : str(o, key, path))
const arr = (o: JsonObject, key: string, path: string): ReadonlyArray<JsonValue> =>
  Array.isArray(o[key]) ? o[key] as ReadonlyArray<JsonValue> : fail(`${path}.${key}`, "an array", o[key])

/** Plain JSON of any value: bigints as strings, what JSON cannot hold left out. */
const toJsonValue = (value: unknown): JsonValue =>
  JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) ?? "null") as JsonValue

const compact = (fields: Record<string, JsonValue | undefined>): JsonObject => {
  const out: Record<string, JsonValue> = {}
  for (const key in fields) if (fields[key] !== undefined) out[key] = fields[key]
  return out
}

const operationToJson = (op: OutputOperationInfo): JsonObject =>
  compact({
    batchTime: op.batchTime,
    id: op.id,
    name: op.name,
    description: op.description,
    startTime: op.startTime,
    endTime: op.endTime,
    failureReason: op.failureReason
  })

const operationFromJson = (value: JsonValue, path: string): OutputOperationInfo => {
  const o = obj(value, path)
  return {
    batchTime: num(o, "batchTime", path),
    id: num(o, "id", path),
    name: str(o, "name", path),
    description: str(o, "description", path),
    startTime: optNum(o, "startTime", path),
    endTime: optNum(o, "endTime", path),
    failureReason: optStr(o, "failureReason", path)
  }
}

const batchToJson = (batch: BatchInfo): JsonObject =>
  compact({
    batchTime: batch.batchTime,
    streamIdToInputInfo: [...batch.streamIdToInputInfo.values()].map((input) => ({
      inputStreamId: input.inputStreamId,
      numRecords: input.numRecords,
      metadata: toJsonValue(input.metadata)
    })),
    submissionTime: batch.submissionTime,
    processingStartTime: batch.processingStartTime,
    processingEndTime: batch.processingEndTime,
    outputOperationInfos: [...batch.outputOperationInfos.values()].map(operationToJson),
    schedulingDelay: batch.schedulingDelay,
    processingDelay: batch.processingDelay,
    totalDelay: batch.totalDelay,
    numRecords: batch.numRecords
  })

const batchFromJson = (value: JsonValue, path: string): BatchInfo => {
  const o = obj(value, path)
  const inputs = arr(o, "streamIdToInputInfo", path).map((v, i): StreamInputInfo => {
    const p = `${path}.streamIdToInputInfo[${i}]`
    const input = obj(v, p)
    return {
      inputStreamId: num(input, "inputStreamId", p),
      numRecords: num(input, "numRecords", p),
      metadata: obj(input["metadata"], `${p}.metadata`)
    }
  })
  const operations = arr(o, "outputOperationInfos", path).map((v, i) => operationFromJson(v, `${path}.outputOperationInfos[${i}]`))
  return {
    batchTime: num(o, "batchTime", path),
    streamIdToInputInfo: new Map(inputs.map((input) => [input.inputStreamId, input])),
    submissionTime: num(o, "submissionTime", path),
    processingStartTime: optNum(o, "processingStartTime", path),
    processingEndTime: optNum(o, "processingEndTime", path),
    outputOperationInfos: new Map(operations.map((op) => [op.id, op])),
    schedulingDelay: optNum(o, "schedulingDelay", path),
    processingDelay: optNum(o, "processingDelay", path),
    totalDelay: optNum(o, "totalDelay", path),
    numRecords: num(o, "numRecords", path)
  }
}

const receiverToJson = (info: ReceiverInfo): JsonObject => ({ ...info })

const receiverFromJson = (value: JsonValue, path: string): ReceiverInfo => {
  const o = obj(value, path)
  const active = o["active"]
  if (typeof active !== "boolean") fail(`${path}.active`, "a boolean", active)
  return {
    streamId: num(o, "streamId", path),
    name: str(o, "name", path),
    active: active as boolean,
    location: str(o, "location", path),
    executorId: str(o, "executorId", path),
    lastErrorMessage: str(o, "lastErrorMessage", path),
    lastError: str(o, "lastError", path),
    lastErrorTime: num(o, "lastErrorTime", path)
  }
}

const DECISION_ACTIONS: ReadonlyArray<ExecutorAllocationDecision["action"]> = ["RequestExecutors", "KillExecutor", "NoChange"]

const decisionToJson = (decision: ExecutorAllocationDecision): JsonObject => compact({ ...decision })

const decisionFromJson = (value: JsonValue, path: string): ExecutorAllocationDecision => {
  const o = obj(value, path)
  const action = str(o, "action", path)
  if (!(DECISION_ACTIONS as ReadonlyArray<string>).includes(action)) fail(`${path}.action`, DECISION_ACTIONS.join(" | "), action)
  if (typeof o["acknowledged"] !== "boolean") fail(`${path}.acknowledged`, "a boolean", o["acknowledged"])
  return {
    time: num(o, "time", path),
    numBatches: num(o, "numBatches", path),
    averageProcessingTimeMs: num(o, "averageProcessingTimeMs", path),
    ratio: num(o, "ratio", path),
    numExecutors: num(o, "numExecutors", path),
    action: action as ExecutorAllocationDecision["action"],
    requestedTotal: optNum(o, "requestedTotal", path),
    executorId: optStr(o, "executorId", path),
    acknowledged: o["acknowledged"] as boolean,
    reason: str(o, "reason", path)
  }
}

/** The JSON payload of a streaming event; `StreamingStarted` also carries the batch interval, for a rebuilt progress listener. */
export const eventToJson = (event: StreamingListenerEvent, batchDurationMs: number): JsonObject => {
  const name = EVENT_NAMES[event._tag]
  switch (event._tag) {
    case "StreamingStarted":
      return { Event: name, time: event.time, batchDuration: batchDurationMs }
    case "BatchSubmitted":
    case "BatchStarted":
    case "BatchCompleted":
      return { Event: name, batchInfo: batchToJson(event.batch) }
    case "OutputOperationStarted":
    case "OutputOperationCompleted":
      return { Event: name, outputOperationInfo: operationToJson(event.info) }
    case "ReceiverStarted":
    case "ReceiverError":
    case "ReceiverStopped":
      return { Event: name, receiverInfo: receiverToJson(event.info) }
    case "ExecutorAllocationDecision":
      return { Event: name, decision: decisionToJson(event.decision) }
  }
}

/** A streaming event of its JSON payload, with the batch interval of a `StreamingStarted`; throws `StreamingEventJsonError`. */
export const eventFromJson = (json: unknown): { readonly event: StreamingListenerEvent; readonly batchDurationMs?: number } => {
  const o = obj(json, "payload")
  const name = str(o, "Event", "payload")
  const tag = TAGS.get(name)
  if (tag === undefined) throw new StreamingEventJsonError(`payload.Event: expected a streaming event name, got ${JSON.stringify(name)}`)
  switch (tag) {
    case "StreamingStarted":
      return { event: { _tag: tag, time: num(o, "time", "payload") }, batchDurationMs: num(o, "batchDuration", "payload") }
    case "BatchSubmitted":
    case "BatchStarted":
    case "BatchCompleted":
      return { event: { _tag: tag, batch: batchFromJson(o["batchInfo"] ?? null, "payload.batchInfo") } }
    case "OutputOperationStarted":
    case "OutputOperationCompleted":
      return { event: { _tag: tag, info: operationFromJson(o["outputOperationInfo"] ?? null, "payload.outputOperationInfo") } }
    case "ReceiverStarted":
    case "ReceiverError":
    case "ReceiverStopped":
      return { event: { _tag: tag, info: receiverFromJson(o["receiverInfo"] ?? null, "payload.receiverInfo") } }
    case "ExecutorAllocationDecision":
      return { event: { _tag: tag, decision: decisionFromJson(o["decision"] ?? null, "payload.decision") } }
  }
}
