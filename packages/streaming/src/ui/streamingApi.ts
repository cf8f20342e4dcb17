/**
 * The Streaming tab's REST endpoints, under
 * `/api/v1/applications/{id}/streaming/`: `statistics`, `receivers`,
 * `receivers/{streamId}`, `batches` (`?status=QUEUED|PROCESSING|COMPLETED`),
 * `batches/{batchId}`, `batches/{batchId}/operations` and
 * `batches/{batchId}/operations/{outputOpId}`, in Spark's shapes and field
 * names (a batch's id is its time in ms), read from the progress listener.
 *
 * Mirrors `org.apache.spark.status.api.v1.streaming.ApiStreamingApp` and
 * `ApiStreamingRootResource` (with the shapes of its `api.scala`).
 *
 * @since 0.1.0
 */
import { UIUtils, WebUI } from "@tspark/core"
import type { BatchInfo } from "../scheduler/StreamingListener.js"
import type { StreamingJobProgressListener } from "./StreamingJobProgressListener.js"

type Status = "QUEUED" | "PROCESSING" | "COMPLETED"

const date = (ms: number | undefined) => (ms === undefined ? undefined : UIUtils.formatApiDate(ms))
const average = (values: ReadonlyArray<number>): number | undefined =>
  values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0) / values.length

/**
 * A batch's status and output operation counts, as the batches table and the REST API show them.
 *
 * @category getters
 * @since 0.1.0
 */
export const batchSummary = (listener: StreamingJobProgressListener, batch: BatchInfo) => {
  const status: Status = batch.processingEndTime !== undefined
    ? "COMPLETED"
    : batch.processingStartTime !== undefined
    ? "PROCESSING"
    : "QUEUED"
  const operations = listener.outputOperations(batch.batchTime)
  const failed = operations.filter((op) => op.failureReason !== undefined)
  return {
    status,
    operations,
    numActiveOutputOps: operations.filter((op) => op.startTime !== undefined && op.endTime === undefined).length,
    numCompletedOutputOps: operations.filter((op) => op.endTime !== undefined && op.failureReason === undefined).length,
    numFailedOutputOps: failed.length,
    numTotalOutputOps: Math.max(operations.length, batch.outputOperationInfos.size),
    firstFailureReason: failed[0]?.failureReason
  }
}

const batchJson = (listener: StreamingJobProgressListener, batch: BatchInfo) => {
  const summary = batchSummary(listener, batch)
  return {
    batchId: batch.batchTime,
    batchTime: UIUtils.formatApiDate(batch.batchTime),
    status: summary.status,
    batchDuration: listener.batchDurationMs,
    inputSize: batch.numRecords,
    schedulingDelay: batch.schedulingDelay,
    processingTime: batch.processingDelay,
    totalDelay: batch.totalDelay,
    numActiveOutputOps: summary.numActiveOutputOps,
    numCompletedOutputOps: summary.numCompletedOutputOps,
    numFailedOutputOps: summary.numFailedOutputOps,
    numTotalOutputOps: summary.numTotalOutputOps,
    firstFailureReason: summary.firstFailureReason
  }
}

/**
 * Each kept batch, newest first: the waiting, the running and the retained completed ones.
 *
 * @category getters
 * @since 0.1.0
 */
export const keptBatches = (listener: StreamingJobProgressListener): ReadonlyArray<BatchInfo> =>
  [...listener.waitingBatches(), ...listener.runningBatches(), ...listener.retainedCompletedBatches()]
    .sort((a, b) => b.batchTime - a.batchTime)

/**
 * A stream's input rate (records per second of the batch interval) in each retained completed batch, oldest first.
 *
 * Mirrors `StreamingJobProgressListener.receivedRecordRateWithBatchTime`.
 *
 * @category getters
 * @since 0.1.0
 */
export const eventRates = (listener: StreamingJobProgressListener, streamId: number): Array<readonly [number, number]> =>
  listener.retainedCompletedBatches().map((b) =>
    [
      b.batchTime,
      ((b.streamIdToInputInfo.get(streamId)?.numRecords ?? 0) * 1000) / listener.batchDurationMs
    ] as const
  )

const receiverJson = (listener: StreamingJobProgressListener, streamId: number) => {
  const info = listener.receivers().find((r) => r.streamId === streamId)
  const rates = eventRates(listener, streamId)
  const hasError = info !== undefined && info.lastErrorTime >= 0
  return {
    streamId,
    streamName: info?.name ?? `stream ${streamId}`,
    isActive: info?.active,
    executorId: info === undefined || info.executorId === "" ? undefined : info.executorId,
    executorHost: info === undefined || info.location === "" ? undefined : info.location,
    lastErrorTime: hasError ? date(info.lastErrorTime) : undefined,
    lastErrorMessage: hasError ? info.lastErrorMessage : undefined,
    lastError: hasError ? info.lastError : undefined,
    avgEventRate: average(rates.map(([, rate]) => rate)),
    eventRates: rates
  }
}

const statisticsJson = (listener: StreamingJobProgressListener) => {
  const completed = listener.retainedCompletedBatches()
  const receivers = listener.receivers()
  const defined = (of: (b: BatchInfo) => number | undefined) => completed.flatMap((b) => of(b) ?? [])
  const round = (n: number | undefined) => (n === undefined ? undefined : Math.round(n))
  return {
    startTime: date(listener.startTime),
    batchDuration: listener.batchDurationMs,
    numReceivers: receivers.length,
    numActiveReceivers: receivers.filter((r) => r.active).length,
    numInactiveReceivers: receivers.filter((r) => !r.active).length,
    numTotalCompletedBatches: listener.numTotalCompletedBatches,
    numRetainedCompletedBatches: completed.length,
    numActiveBatches: listener.numUnprocessedBatches,
    numProcessedRecords: listener.numTotalProcessedRecords,
    numReceivedRecords: listener.numTotalReceivedRecords,
    avgInputRate: average(completed.map((b) => (b.numRecords * 1000) / listener.batchDurationMs)),
    avgSchedulingDelay: round(average(defined((b) => b.schedulingDelay))),
    avgProcessingTime: round(average(defined((b) => b.processingDelay))),
    avgTotalDelay: round(average(defined((b) => b.totalDelay)))
  }
}

const operations = (listener: StreamingJobProgressListener, batch: BatchInfo) =>
  listener.outputOperations(batch.batchTime).map((op) => ({
    outputOpId: op.id,
    name: op.name,
    description: op.description,
    startTime: date(op.startTime),
    endTime: date(op.endTime),
    duration: op.startTime !== undefined && op.endTime !== undefined ? op.endTime - op.startTime : undefined,
    failureReason: op.failureReason,
    jobIds: listener.outputOperationJobIds(batch.batchTime, op.id)
  }))

/**
 * Answers `streaming/<segments>` from the listener.
 *
 * Mirrors `ApiStreamingRootResource`.
 *
 * **Example**
 * ```ts
 * handleStreamingApi(listener, ["batches"], new URLSearchParams("status=COMPLETED"))
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const handleStreamingApi = (
  listener: StreamingJobProgressListener,
  segments: ReadonlyArray<string>,
  query: URLSearchParams
): WebUI.ApiResult => {
  const [resource = "", id, sub, opId, ...rest] = segments
  if (rest.length > 0) return WebUI.notFound(`unknown path: streaming/${segments.join("/")}`)
  if (resource === "statistics" && id === undefined) return WebUI.ok(statisticsJson(listener))
  if (resource === "receivers") {
    const streamIds = listener.receivers().map((r) => r.streamId)
    if (id === undefined) return WebUI.ok(streamIds.map((s) => receiverJson(listener, s)))
    const streamId = WebUI.parseId(id)
    if (sub !== undefined || streamId === undefined || !streamIds.includes(streamId)) return WebUI.notFound(`unknown receiver: ${id}`)
    return WebUI.ok(receiverJson(listener, streamId))
  }
  if (resource !== "batches") return WebUI.notFound(`unknown path: streaming/${segments.join("/")}`)
  if (id === undefined) {
    const wanted = query.getAll("status").map((s) => s.toUpperCase())
    const batches = keptBatches(listener).map((b) => batchJson(listener, b))
    return WebUI.ok(wanted.length === 0 ? batches : batches.filter((b) => wanted.includes(b.status)))
  }
  const batchId = WebUI.parseId(id)
  const batch = batchId === undefined ? undefined : listener.batch(batchId)
  if (batch === undefined) return WebUI.notFound(`unknown batch: ${id}`)
  if (sub === undefined) return WebUI.ok(batchJson(listener, batch))
  if (sub !== "operations") return WebUI.notFound(`unknown path: streaming/${segments.join("/")}`)
  const ops = operations(listener, batch)
  if (opId === undefined) return WebUI.ok(ops)
  const op = ops.find((o) => String(o.outputOpId) === opId)
  return op === undefined ? WebUI.notFound(`unknown output operation: ${opId}`) : WebUI.ok(op)
}
