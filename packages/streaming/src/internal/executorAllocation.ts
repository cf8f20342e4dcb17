// Streaming dynamic allocation's policy (Spark's streaming
// `ExecutorAllocationManager.manageAllocation`) as plain functions over plain
// data: the settings read from the configuration with Spark's checks, and the
// plan for one scaling interval. The public module runs the plan against the
// cluster on a timer.
import { ExecutorAllocationManager as CoreAllocation, SparkConf } from "@tspark/core"

type ConfigError = CoreAllocation.DynamicAllocationConfigError

export const keys = {
  enabled: "spark.streaming.dynamicAllocation.enabled",
  scalingInterval: "spark.streaming.dynamicAllocation.scalingInterval",
  scalingUpRatio: "spark.streaming.dynamicAllocation.scalingUpRatio",
  scalingDownRatio: "spark.streaming.dynamicAllocation.scalingDownRatio",
  minExecutors: "spark.streaming.dynamicAllocation.minExecutors",
  maxExecutors: "spark.streaming.dynamicAllocation.maxExecutors"
} as const

export interface StreamingAllocationSettings {
  readonly scalingIntervalMs: number
  readonly scalingUpRatio: number
  readonly scalingDownRatio: number
  readonly minExecutors: number
  /** `Infinity` when not set (Spark's `Int.MaxValue`). */
  readonly maxExecutors: number
}

const configError = (key: string, message: string): ConfigError => new CoreAllocation.DynamicAllocationConfigError({ key, message })

/** A configuration read, its parse error restated as a `DynamicAllocationConfigError` naming the key. */
const checked = (key: string, value: number | { readonly message: string }): number | ConfigError =>
  typeof value === "number" ? value : configError(key, value.message)

/** The settings, checked as Spark's config entries and `validateSettings` check them. */
export const readSettings = (conf: SparkConf.SparkConf, numReceivers: number): StreamingAllocationSettings | ConfigError => {
  const intervalS = checked(keys.scalingInterval, SparkConf.getTimeAsSeconds(conf, keys.scalingInterval, "60s"))
  if (typeof intervalS !== "number") return intervalS
  const scalingIntervalMs = Math.round(intervalS * 1000)
  if (scalingIntervalMs <= 0) return configError(keys.scalingInterval, `${keys.scalingInterval} must be > 0, got ${intervalS}s`)
  const up = checked(keys.scalingUpRatio, SparkConf.getDouble(conf, keys.scalingUpRatio, 0.9))
  if (typeof up !== "number") return up
  if (up <= 0) return configError(keys.scalingUpRatio, `${keys.scalingUpRatio} must be > 0, got ${up}`)
  const down = checked(keys.scalingDownRatio, SparkConf.getDouble(conf, keys.scalingDownRatio, 0.3))
  if (typeof down !== "number") return down
  if (down <= 0) return configError(keys.scalingDownRatio, `${keys.scalingDownRatio} must be > 0, got ${down}`)
  if (!(up > down)) {
    return configError(keys.scalingUpRatio, `${keys.scalingUpRatio} (${up}) must be more than ${keys.scalingDownRatio} (${down})`)
  }
  // One executor per receiver at least, unless set.
  const min = checked(keys.minExecutors, SparkConf.getInt(conf, keys.minExecutors, Math.max(1, numReceivers)))
  if (typeof min !== "number") return min
  if (min <= 0) return configError(keys.minExecutors, `${keys.minExecutors} must be > 0, got ${min}`)
  const max = conf.entries.has(keys.maxExecutors)
    ? checked(keys.maxExecutors, SparkConf.getInt(conf, keys.maxExecutors, 0))
    : Number.POSITIVE_INFINITY
  if (typeof max !== "number") return max
  if (max <= 0) return configError(keys.maxExecutors, `${keys.maxExecutors} must be > 0, got ${max}`)
  // As Spark's: checked only when both are set; a minimum from the receivers' count wins over a lower maximum.
  if (conf.entries.has(keys.minExecutors) && conf.entries.has(keys.maxExecutors) && max < min) {
    return configError(keys.maxExecutors, `${keys.maxExecutors} (${max}) must be at least ${keys.minExecutors} (${min})`)
  }
  return { scalingIntervalMs, scalingUpRatio: up, scalingDownRatio: down, minExecutors: min, maxExecutors: max }
}

/** What one scaling interval calls for. */
export type AllocationPlan =
  | { readonly _tag: "Request"; readonly total: number; readonly reason: string }
  | { readonly _tag: "Kill"; readonly removable: ReadonlyArray<string>; readonly reason: string }
  | { readonly _tag: "NoChange"; readonly reason: string }

/** The executor total for `numNewExecutors` more, within the bounds (Spark's `requestExecutors`). */
export const targetTotal = (s: StreamingAllocationSettings, numExecutors: number, numNewExecutors: number): number =>
  Math.max(Math.min(s.maxExecutors, numExecutors + numNewExecutors), s.minExecutors)

/**
 * The plan for a ratio of average processing time to batch interval: at or
 * above the up ratio, `max(round(ratio), 1)` more executors; at or below the
 * down ratio, one executor that runs no receiver fewer, while above the minimum.
 */
export const plan = (
  s: StreamingAllocationSettings,
  ratio: number,
  executorIds: ReadonlyArray<string>,
  executorsWithReceivers: ReadonlyArray<string>
): AllocationPlan => {
  const r = ratio.toFixed(3)
  if (ratio >= s.scalingUpRatio) {
    const numNew = Math.max(Math.round(ratio), 1)
    const total = targetTotal(s, executorIds.length, numNew)
    return { _tag: "Request", total, reason: `ratio ${r} >= scalingUpRatio ${s.scalingUpRatio}: ${numNew} more, within the bounds` }
  }
  if (ratio > s.scalingDownRatio) {
    return { _tag: "NoChange", reason: `ratio ${r} between scalingDownRatio ${s.scalingDownRatio} and scalingUpRatio ${s.scalingUpRatio}` }
  }
  if (executorIds.length === 0 || executorIds.length <= s.minExecutors) {
    return {
      _tag: "NoChange",
      reason: `ratio ${r} <= scalingDownRatio ${s.scalingDownRatio}, but ${executorIds.length} executors is the minimum`
    }
  }
  const withReceivers = new Set(executorsWithReceivers)
  const removable = executorIds.filter((id) => !withReceivers.has(id))
  return removable.length === 0
    ? { _tag: "NoChange", reason: `ratio ${r} <= scalingDownRatio ${s.scalingDownRatio}, but every executor runs a receiver` }
    : { _tag: "Kill", removable, reason: `ratio ${r} <= scalingDownRatio ${s.scalingDownRatio}: one executor without a receiver fewer` }
}
