/**
 * Where receivers run: pure functions that spread receivers evenly over the
 * executors, honouring each receiver's preferred host.
 *
 * Two phases, as Spark's. When the tracker starts, `scheduleReceivers` plans
 * every receiver at once (the preferred host's least loaded executor, then
 * the least loaded executor overall, then idle executors handed to the
 * receivers with the fewest candidates). When a receiver restarts or
 * registers somewhere unplanned, `rescheduleReceiver` weighs the executors
 * by the receivers on them (1 for a running receiver, 1/n for a receiver
 * scheduled on n candidates) and returns the idle ones, or else the lightest.
 *
 * Locations cross to core as strings: `executor_<host>_<executorId>` for an
 * executor (the form core's `makeRDD` reads as an executor-level location)
 * and a plain host otherwise.
 *
 * Mirrors `org.apache.spark.streaming.scheduler.ReceiverSchedulingPolicy`.
 *
 * @since 0.1.0
 */
import type { ExecutorLocation, ReceiverLocation, ReceiverTrackingInfo } from "./ReceiverInfo.js"

/**
 * The prefix of an executor-level location string.
 *
 * Mirrors `TaskLocation.executorLocationTag`.
 *
 * **Example**
 * ```ts
 * ReceiverSchedulingPolicy.EXECUTOR_LOCATION_TAG // "executor_"
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export const EXECUTOR_LOCATION_TAG = "executor_"

/**
 * A location as core reads it: `executor_<host>_<executorId>` for an
 * executor, the host alone otherwise.
 *
 * Mirrors `ExecutorCacheTaskLocation.toString` and `HostTaskLocation.toString`.
 *
 * **Example**
 * ```ts
 * ReceiverSchedulingPolicy.formatLocation({ host: "localhost", executorId: "2" }) // "executor_localhost_2"
 * ReceiverSchedulingPolicy.formatLocation({ host: "db-1" }) // "db-1"
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const formatLocation = (location: ReceiverLocation): string =>
  location.executorId === undefined ? location.host : `${EXECUTOR_LOCATION_TAG}${location.host}_${location.executorId}`

/**
 * Reads a location string back: `executor_<host>_<executorId>` (the host
 * ends at the first `_` after the tag; an executor id may contain `_`) or a
 * host.
 *
 * Mirrors `TaskLocation.apply(String)`.
 *
 * **Example**
 * ```ts
 * ReceiverSchedulingPolicy.parseLocation("executor_localhost_2") // { host: "localhost", executorId: "2" }
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const parseLocation = (location: string): ReceiverLocation => {
  if (!location.startsWith(EXECUTOR_LOCATION_TAG)) return { host: location }
  const rest = location.slice(EXECUTOR_LOCATION_TAG.length)
  const split = rest.indexOf("_")
  if (split <= 0 || split === rest.length - 1) return { host: location }
  return { host: rest.slice(0, split), executorId: rest.slice(split + 1) }
}

/**
 * A receiver to schedule: its stream and, optionally, the host it prefers.
 *
 * Mirrors what the policy reads of `Receiver` (`streamId`, `preferredLocation`).
 *
 * **Example**
 * ```ts
 * const receiver: ReceiverSchedulingPolicy.SchedulableReceiver = { streamId: 0, preferredLocation: "db-1" }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface SchedulableReceiver {
  readonly streamId: number
  readonly preferredLocation?: string | undefined
}

const sameLocation = (a: ReceiverLocation, b: ReceiverLocation): boolean => a.host === b.host && a.executorId === b.executorId

/**
 * Plans every receiver at once: candidate locations per stream id. With no
 * executors every receiver gets none (the caller may start it anywhere). A
 * preferred host with executors gets its least loaded one; a preferred host
 * with none is kept as a host location (its executor may come up later).
 *
 * Mirrors `ReceiverSchedulingPolicy.scheduleReceivers`.
 *
 * **Example**
 * ```ts
 * const plan = ReceiverSchedulingPolicy.scheduleReceivers(
 *   [{ streamId: 0 }, { streamId: 1 }],
 *   [{ host: "a", executorId: "1" }, { host: "b", executorId: "2" }]
 * )
 * plan.get(0) // [{ host: "a", executorId: "1" }]
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const scheduleReceivers = (
  receivers: ReadonlyArray<SchedulableReceiver>,
  executors: ReadonlyArray<ExecutorLocation>
): Map<number, Array<ReceiverLocation>> => {
  const plan = new Map<number, Array<ReceiverLocation>>()
  if (receivers.length === 0) return plan
  if (executors.length === 0) {
    for (const receiver of receivers) plan.set(receiver.streamId, [])
    return plan
  }
  // Executors in the order given, each with the receivers planned on it so far.
  const load = executors.map((executor) => ({ executor, receivers: 0 }))
  const leastLoaded = (candidates: ReadonlyArray<{ executor: ExecutorLocation; receivers: number }>) =>
    candidates.reduce((best, next) => (next.receivers < best.receivers ? next : best))
  const scheduled = receivers.map((): Array<ReceiverLocation> => [])
  // First the preferred hosts.
  receivers.forEach((receiver, i) => {
    const host = receiver.preferredLocation
    if (host === undefined) return
    const onHost = load.filter((entry) => entry.executor.host === host)
    if (onHost.length === 0) {
      scheduled[i]!.push({ host })
      return
    }
    const chosen = leastLoaded(onHost)
    scheduled[i]!.push(chosen.executor)
    chosen.receivers += 1
  })
  // Then one executor for each receiver still without a candidate.
  for (const candidates of scheduled) {
    if (candidates.length > 0) continue
    const chosen = leastLoaded(load)
    candidates.push(chosen.executor)
    chosen.receivers += 1
  }
  // Idle executors go to the receivers with the fewest candidates.
  for (const entry of load) {
    if (entry.receivers > 0) continue
    const fewest = scheduled.reduce((best, next) => (next.length < best.length ? next : best))
    fewest.push(entry.executor)
  }
  receivers.forEach((receiver, i) => plan.set(receiver.streamId, scheduled[i]!))
  return plan
}

const executorWeights = (
  trackingInfos: Iterable<ReceiverTrackingInfo>,
  executors: ReadonlyArray<ExecutorLocation>
): Array<number> => {
  const weights = executors.map(() => 0)
  const add = (location: ReceiverLocation, weight: number) => {
    const i = executors.findIndex((executor) => sameLocation(executor, location))
    if (i >= 0) weights[i]! += weight
  }
  for (const info of trackingInfos) {
    if (info.state === "SCHEDULED") {
      const locations = info.scheduledLocations ?? []
      // A receiver scheduled on n candidates runs on each with probability 1/n.
      for (const location of locations) if (location.executorId !== undefined) add(location, 1 / locations.length)
    } else if (info.state === "ACTIVE" && info.runningExecutor !== undefined) {
      add(info.runningExecutor, 1)
    }
  }
  return weights
}

/**
 * Candidate locations for one receiver that (re)starts or registers: its
 * preferred host (if any), then every idle executor, or, when none is idle,
 * every executor of the minimum weight (1 per running receiver, 1/n per
 * receiver scheduled on n candidates). Empty only when there are no
 * executors. Executors not in `executors` (lost ones still named by the
 * tracking infos) are never returned.
 *
 * Mirrors `ReceiverSchedulingPolicy.rescheduleReceiver`.
 *
 * **Example**
 * ```ts
 * const candidates = ReceiverSchedulingPolicy.rescheduleReceiver(1, undefined, trackingInfos, executors)
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const rescheduleReceiver = (
  _receiverId: number,
  preferredLocation: string | undefined,
  receiverTrackingInfoMap: ReadonlyMap<number, ReceiverTrackingInfo>,
  executors: ReadonlyArray<ExecutorLocation>
): Array<ReceiverLocation> => {
  if (executors.length === 0) return []
  const result: Array<ReceiverLocation> = preferredLocation === undefined ? [] : [{ host: preferredLocation }]
  const weights = executorWeights(receiverTrackingInfoMap.values(), executors)
  const idle = executors.filter((_, i) => weights[i] === 0)
  if (idle.length > 0) {
    result.push(...idle)
  } else {
    // Weights are sums of fractions: compare with a tolerance so that 1/3 + 1/3 + 1/3 equals 1.
    const min = Math.min(...weights)
    result.push(...executors.filter((_, i) => weights[i]! - min < 1e-9))
  }
  return result
}
