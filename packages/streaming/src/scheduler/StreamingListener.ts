/**
 * Events of a running streaming application, and the listener that hears them.
 *
 * Mirrors `org.apache.spark.streaming.scheduler.StreamingListener`,
 * `BatchInfo`, `OutputOperationInfo` and `StreamInputInfo`; the receiver
 * events (`StreamingListenerReceiverStarted/Error/Stopped`) carry a
 * `ReceiverInfo`. `ExecutorAllocationDecision` is tspark's own: Spark's
 * streaming dynamic allocation only logs its decisions.
 *
 * @since 0.1.0
 */
import type { ReceiverInfo } from "./ReceiverInfo.js"

/**
 * What one input stream contributed to one batch.
 *
 * @category models
 * @since 0.1.0
 */
export interface StreamInputInfo {
  readonly inputStreamId: number
  readonly numRecords: number
  readonly metadata: Readonly<Record<string, unknown>>
}

/**
 * One output operation of one batch.
 *
 * @category models
 * @since 0.1.0
 */
export interface OutputOperationInfo {
  readonly batchTime: number
  readonly id: number
  readonly name: string
  readonly description: string
  readonly startTime: number | undefined
  readonly endTime: number | undefined
  readonly failureReason: string | undefined
}

/**
 * One batch: when it was submitted and processed, and its delays.
 *
 * @category models
 * @since 0.1.0
 */
export interface BatchInfo {
  readonly batchTime: number
  readonly streamIdToInputInfo: ReadonlyMap<number, StreamInputInfo>
  readonly submissionTime: number
  readonly processingStartTime: number | undefined
  readonly processingEndTime: number | undefined
  readonly outputOperationInfos: ReadonlyMap<number, OutputOperationInfo>
  /** Time from submission to the start of processing. */
  readonly schedulingDelay: number | undefined
  /** Time from the start to the end of processing. */
  readonly processingDelay: number | undefined
  /** Time from submission to the end of processing. */
  readonly totalDelay: number | undefined
  /** Records received in the batch, over every input stream. */
  readonly numRecords: number
}

/**
 * What streaming's dynamic allocation decided at the end of one scaling
 * interval in which batches completed: one per interval at most, so a
 * listener hears at most one per `spark.streaming.dynamicAllocation.scalingInterval`.
 * tspark's own (Spark's `ExecutorAllocationManager` only logs its decisions).
 *
 * **Example**
 * ```ts
 * ssc.addStreamingListener({ onExecutorAllocationDecision: (d) => console.log(d.action, d.ratio) })
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface ExecutorAllocationDecision {
  readonly time: number
  /** The batches whose processing times were averaged (completed without a failed output operation since the last decision). */
  readonly numBatches: number
  readonly averageProcessingTimeMs: number
  /** The average processing time over the batch interval. */
  readonly ratio: number
  /** Executors before the decision. */
  readonly numExecutors: number
  readonly action: "RequestExecutors" | "KillExecutor" | "NoChange"
  /** For `RequestExecutors`: the total number of executors requested. */
  readonly requestedTotal: number | undefined
  /** For `KillExecutor`: the executor asked to stop. */
  readonly executorId: string | undefined
  /** Whether the cluster acknowledged the request (`false` for `NoChange` and for a failed request). */
  readonly acknowledged: boolean
  /** Why, in words (the ratio against the thresholds, the bound reached, the error met). */
  readonly reason: string
}

/**
 * A streaming listener: implement the callbacks you need.
 *
 * **Example**
 * ```ts
 * ssc.addStreamingListener({ onBatchCompleted: (b) => console.log(b.batchTime, b.processingDelay) })
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface StreamingListener {
  readonly onStreamingStarted?: (time: number) => void
  readonly onBatchSubmitted?: (batch: BatchInfo) => void
  readonly onBatchStarted?: (batch: BatchInfo) => void
  readonly onBatchCompleted?: (batch: BatchInfo) => void
  readonly onOutputOperationStarted?: (info: OutputOperationInfo) => void
  readonly onOutputOperationCompleted?: (info: OutputOperationInfo) => void
  /** A receiver registered and started on an executor. */
  readonly onReceiverStarted?: (info: ReceiverInfo) => void
  /** A receiver reported an error (it may be restarted). */
  readonly onReceiverError?: (info: ReceiverInfo) => void
  /** A receiver stopped (deregistered). */
  readonly onReceiverStopped?: (info: ReceiverInfo) => void
  /** Dynamic allocation decided (tspark's own event; see `ExecutorAllocationDecision`). */
  readonly onExecutorAllocationDecision?: (decision: ExecutorAllocationDecision) => void
}

/**
 * Every event of the streaming listener bus.
 *
 * @category models
 * @since 0.1.0
 */
export type StreamingListenerEvent =
  | { readonly _tag: "StreamingStarted"; readonly time: number }
  | { readonly _tag: "BatchSubmitted"; readonly batch: BatchInfo }
  | { readonly _tag: "BatchStarted"; readonly batch: BatchInfo }
  | { readonly _tag: "BatchCompleted"; readonly batch: BatchInfo }
  | { readonly _tag: "OutputOperationStarted"; readonly info: OutputOperationInfo }
  | { readonly _tag: "OutputOperationCompleted"; readonly info: OutputOperationInfo }
  | { readonly _tag: "ReceiverStarted"; readonly info: ReceiverInfo }
  | { readonly _tag: "ReceiverError"; readonly info: ReceiverInfo }
  | { readonly _tag: "ReceiverStopped"; readonly info: ReceiverInfo }
  | { readonly _tag: "ExecutorAllocationDecision"; readonly decision: ExecutorAllocationDecision }

/**
 * Calls the listener's callback for an event.
 *
 * @category combinators
 * @since 0.1.0
 */
export const dispatch = (listener: StreamingListener, event: StreamingListenerEvent): void => {
  switch (event._tag) {
    case "StreamingStarted":
      return listener.onStreamingStarted?.(event.time)
    case "BatchSubmitted":
      return listener.onBatchSubmitted?.(event.batch)
    case "BatchStarted":
      return listener.onBatchStarted?.(event.batch)
    case "BatchCompleted":
      return listener.onBatchCompleted?.(event.batch)
    case "OutputOperationStarted":
      return listener.onOutputOperationStarted?.(event.info)
    case "OutputOperationCompleted":
      return listener.onOutputOperationCompleted?.(event.info)
    case "ReceiverStarted":
      return listener.onReceiverStarted?.(event.info)
    case "ReceiverError":
      return listener.onReceiverError?.(event.info)
    case "ReceiverStopped":
      return listener.onReceiverStopped?.(event.info)
    case "ExecutorAllocationDecision":
      return listener.onExecutorAllocationDecision?.(event.decision)
  }
}
