/**
 * What listeners learn about a receiver, and the tracker's state of each
 * receiver (where it is scheduled, where it runs, its last error).
 *
 * Mirrors `org.apache.spark.streaming.scheduler.ReceiverInfo` and
 * `ReceiverTrackingInfo` (with `ReceiverState` and `ReceiverErrorInfo`).
 *
 * @since 0.1.0
 */

/**
 * A receiver as listeners see it (`onReceiverStarted/Error/Stopped`).
 * `location` is the host it runs on; the error fields are empty strings and
 * `lastErrorTime` is -1 when it never failed, as Spark's.
 *
 * Mirrors `org.apache.spark.streaming.scheduler.ReceiverInfo`.
 *
 * **Example**
 * ```ts
 * ssc.addStreamingListener({ onReceiverError: (info) => console.log(info.streamId, info.lastErrorMessage) })
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface ReceiverInfo {
  readonly streamId: number
  readonly name: string
  readonly active: boolean
  readonly location: string
  readonly executorId: string
  readonly lastErrorMessage: string
  readonly lastError: string
  readonly lastErrorTime: number
}

/**
 * Where a receiver stands: not running, given candidate executors, or running.
 *
 * Mirrors `org.apache.spark.streaming.scheduler.ReceiverState`.
 *
 * **Example**
 * ```ts
 * const state: ReceiverInfo.ReceiverState = "SCHEDULED"
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type ReceiverState = "INACTIVE" | "SCHEDULED" | "ACTIVE"

/**
 * An executor, by host and id (the form receivers are scheduled to).
 *
 * Mirrors `org.apache.spark.scheduler.ExecutorCacheTaskLocation`.
 *
 * **Example**
 * ```ts
 * const executor: ReceiverInfo.ExecutorLocation = { host: "localhost", executorId: "1" }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface ExecutorLocation {
  readonly host: string
  readonly executorId: string
}

/**
 * A place a receiver may be started: an executor, or only a host (a
 * preferred host where no executor is known yet).
 *
 * Mirrors `org.apache.spark.scheduler.TaskLocation` (host or executor).
 *
 * **Example**
 * ```ts
 * const anywhereOnHost: ReceiverInfo.ReceiverLocation = { host: "db-1" }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface ReceiverLocation {
  readonly host: string
  readonly executorId?: string | undefined
}

/**
 * The last error a receiver reported.
 *
 * Mirrors `org.apache.spark.streaming.scheduler.ReceiverErrorInfo`.
 *
 * **Example**
 * ```ts
 * const error: ReceiverInfo.ReceiverErrorInfo = { lastErrorMessage: "connection refused", lastError: "", lastErrorTime: 1000 }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface ReceiverErrorInfo {
  readonly lastErrorMessage: string
  readonly lastError: string
  readonly lastErrorTime: number
}

/**
 * The tracker's state of one receiver. `scheduledLocations` is set while
 * SCHEDULED, `runningExecutor` while ACTIVE.
 *
 * Mirrors `org.apache.spark.streaming.scheduler.ReceiverTrackingInfo`.
 *
 * **Example**
 * ```ts
 * const info: ReceiverInfo.ReceiverTrackingInfo = {
 *   receiverId: 0,
 *   state: "ACTIVE",
 *   scheduledLocations: undefined,
 *   runningExecutor: { host: "localhost", executorId: "1" }
 * }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface ReceiverTrackingInfo {
  readonly receiverId: number
  readonly state: ReceiverState
  readonly scheduledLocations: ReadonlyArray<ReceiverLocation> | undefined
  readonly runningExecutor: ExecutorLocation | undefined
  readonly name?: string | undefined
  readonly errorInfo?: ReceiverErrorInfo | undefined
}

/**
 * The listeners' view of a tracked receiver.
 *
 * Mirrors `ReceiverTrackingInfo.toReceiverInfo`.
 *
 * **Example**
 * ```ts
 * const info = ReceiverInfo.toReceiverInfo({ receiverId: 0, state: "INACTIVE", scheduledLocations: undefined, runningExecutor: undefined })
 * info.active // false
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const toReceiverInfo = (tracking: ReceiverTrackingInfo): ReceiverInfo => ({
  streamId: tracking.receiverId,
  name: tracking.name ?? "",
  active: tracking.state === "ACTIVE",
  location: tracking.runningExecutor?.host ?? "",
  executorId: tracking.runningExecutor?.executorId ?? "",
  lastErrorMessage: tracking.errorInfo?.lastErrorMessage ?? "",
  lastError: tracking.errorInfo?.lastError ?? "",
  lastErrorTime: tracking.errorInfo?.lastErrorTime ?? -1
})
