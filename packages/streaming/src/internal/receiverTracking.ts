// What the driver's ReceiverTracker knows of each receiver (Spark's
// ReceiverTrackingInfo), with its running job, and the views of it the
// listeners and the scheduling policy take.
import type { Fiber } from "effect"
import {
  type ExecutorLocation,
  type ReceiverErrorInfo,
  type ReceiverInfo,
  type ReceiverLocation,
  type ReceiverState,
  type ReceiverTrackingInfo,
  toReceiverInfo
} from "../scheduler/ReceiverInfo.js"
import type { ReceiverJob } from "./receiverLaunch.js"

/** What the tracker knows of one receiver (Spark's `ReceiverTrackingInfo`), with its running job. */
export interface Tracking {
  readonly streamId: number
  readonly name: string
  state: ReceiverState
  scheduledLocations: ReadonlyArray<ReceiverLocation> | undefined
  runningExecutor: ExecutorLocation | undefined
  errorInfo: ReceiverErrorInfo | undefined
  /** The receiver's running job and the fiber that restarts it when it ends, while it runs. */
  job: { readonly handle: ReceiverJob; readonly watcher: Fiber.Fiber<void> } | undefined
  /** Counts launches, so that a launch's bookkeeping never overwrites a later launch's. */
  launches: number
}

/** A receiver just scheduled to `locations`, not launched yet. */
export const scheduledTracking = (streamId: number, name: string, locations: ReadonlyArray<ReceiverLocation>): Tracking => ({
  streamId,
  name,
  state: "SCHEDULED",
  scheduledLocations: locations,
  runningExecutor: undefined,
  errorInfo: undefined,
  job: undefined,
  launches: 0
})

/** Every receiver but `streamId`, as the scheduling policy weighs them when it reschedules `streamId`. */
export const otherReceivers = (tracking: ReadonlyMap<number, Tracking>, streamId: number): Map<number, ReceiverTrackingInfo> => {
  const others = new Map<number, ReceiverTrackingInfo>()
  for (const [id, info] of tracking) {
    if (id === streamId) continue
    others.set(id, {
      receiverId: id,
      state: info.state,
      scheduledLocations: info.scheduledLocations,
      runningExecutor: info.runningExecutor
    })
  }
  return others
}

/** What listeners and the UI see of a receiver. */
export const toInfo = (info: Tracking): ReceiverInfo =>
  toReceiverInfo({
    receiverId: info.streamId,
    state: info.state,
    scheduledLocations: info.scheduledLocations,
    runningExecutor: info.runningExecutor,
    name: info.name,
    errorInfo: info.errorInfo
  })
