// Streaming dynamic allocation's test kit: completed batches of a given
// processing time, and a manager over a simulated cluster that records the
// decisions posted.
import { ExecutorAllocationClient, SparkConf } from "@tspark/core"
import { Effect } from "effect"
import * as ExecutorAllocationManager from "../../src/scheduler/ExecutorAllocationManager.js"
import type { BatchInfo, StreamingListenerEvent } from "../../src/scheduler/StreamingListener.js"

export type Entries = Readonly<Record<string, string | number | boolean>>

export const BATCH_MS = 1000

export const batch = (processingDelay: number, failed = false): BatchInfo => ({
  batchTime: 0,
  streamIdToInputInfo: new Map(),
  submissionTime: 0,
  processingStartTime: 0,
  processingEndTime: processingDelay,
  outputOperationInfos: new Map([[0, {
    batchTime: 0,
    id: 0,
    name: "foreachRDD",
    description: "",
    startTime: 0,
    endTime: processingDelay,
    failureReason: failed ? "boom" : undefined
  }]]),
  schedulingDelay: 0,
  processingDelay,
  totalDelay: processingDelay,
  numRecords: 0
})

/** A manager (batch interval `BATCH_MS`) over a simulated cluster of `executors` executors, with receivers on `receiverExecutors`. */
export const harness = (entries: Entries, executors: number, receiverExecutors: ReadonlyArray<string> = []) =>
  Effect.gen(function*() {
    const cluster = ExecutorAllocationClient.simulated(executors)
    const posted: Array<StreamingListenerEvent> = []
    const receivers = { numReceivers: receiverExecutors.length, executorsWithReceivers: () => receiverExecutors }
    const manager = yield* ExecutorAllocationManager.make({
      client: cluster.client,
      receivers,
      batchDurationMs: BATCH_MS,
      conf: SparkConf.make(entries),
      post: (e) => void posted.push(e)
    })
    const decisions = () => posted.flatMap((e) => (e._tag === "ExecutorAllocationDecision" ? [e.decision] : []))
    return { cluster, manager, decisions }
  })
