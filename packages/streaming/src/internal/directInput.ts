// The driver side of a direct stream's batch (Spark's
// DirectKafkaInputDStream.latestOffsets, clamp and compute): read and check
// its settings, then turn the source's offsets into the batch's ranges,
// clamped by rate-control's maxMessagesPerPartition.
import type { SparkConf } from "@tspark/core"
import { DirectRateLimits, RateController, RateEstimator } from "@tspark/rate-control"
import { Effect, Option } from "effect"
import {
  DirectOffsetOutOfRangeError,
  DirectPartitionLostError,
  type DirectSource,
  type DirectSourceError,
  type OffsetReset
} from "../dstream/DirectSource.js"
import * as OffsetRange from "../dstream/OffsetRange.js"
import { InvalidStreamError } from "../StreamingError.js"

export const MAX_RATE_KEY = "spark.streaming.direct.maxRatePerPartition"
export const MIN_RATE_KEY = "spark.streaming.direct.minRatePerPartition"
export const INITIAL_RATE_KEY = "spark.streaming.backpressure.initialRate"

/** The settings of a direct stream, read from the SparkConf when the stream is built. */
export interface DirectSettings {
  /** records/s per partition; 0: no cap. */
  readonly maxRatePerPartition: number
  /** records/s a partition with lag takes at least. */
  readonly minRatePerPartition: number
  readonly backpressure: boolean
  /** records/s for the whole stream before the first estimate; 0: none. */
  readonly initialRate: number
}

const invalid = (message: string) => new InvalidStreamError({ stream: "DirectInputDStream", message })

/** A non-negative number under `key` (or Spark's Kafka name for it), or `fallback`. */
const rateSetting = (
  entries: Readonly<Record<string, string>>,
  keys: ReadonlyArray<string>,
  fallback: number
): number | InvalidStreamError => {
  for (const key of keys) {
    const raw = entries[key]
    if (raw === undefined) continue
    const value = Number(raw)
    if (raw.trim() === "" || !Number.isFinite(value) || value < 0) {
      return invalid(`${key} is "${raw}"; set it to a number of records per second >= 0`)
    }
    return value
  }
  return fallback
}

/** Reads and checks the settings (a bad one names its key and what to set). */
export const readSettings = (conf: SparkConf.SparkConf, batchDurationMs: number): DirectSettings | InvalidStreamError => {
  const entries = Object.fromEntries(conf.entries)
  const max = rateSetting(entries, [MAX_RATE_KEY, DirectRateLimits.maxRatePerPartitionKey], 0)
  if (max instanceof InvalidStreamError) return max
  const min = rateSetting(entries, [MIN_RATE_KEY, DirectRateLimits.minRatePerPartitionKey], 1)
  if (min instanceof InvalidStreamError) return min
  const initial = rateSetting(entries, [INITIAL_RATE_KEY], 0)
  if (initial instanceof InvalidStreamError) return initial
  const enabled = Effect.runSync(Effect.result(RateController.isBackPressureEnabled(entries)))
  if (enabled._tag === "Failure") return invalid(enabled.failure.message)
  if (enabled.success) {
    // The estimator's settings (spark.streaming.backpressure.pid.*) are checked now, not at the first batch.
    const estimator = Effect.runSync(Effect.result(RateEstimator.fromConfig(entries, batchDurationMs)))
    if (estimator._tag === "Failure") return invalid(estimator.failure.message)
  }
  return { maxRatePerPartition: max, minRatePerPartition: min, backpressure: enabled.success, initialRate: initial }
}

/** Where the stream stands between batches. */
export interface DirectPosition {
  readonly source: DirectSource<unknown>
  readonly offsetReset: OffsetReset
  readonly startingOffsets: ReadonlyMap<string, number> | undefined
  readonly settings: DirectSettings
  readonly batchDurationMs: number
}

export type PlanError = DirectSourceError | DirectOffsetOutOfRangeError | DirectPartitionLostError

/**
 * Each partition's offset for the next batch, given the stream's `current`
 * offsets (empty before the first batch) and the source's ends: a new
 * partition starts at `startingOffsets` or by `offsetReset`; an offset outside
 * `[earliest, latest]` moves by `offsetReset` (or fails).
 */
export const resolveCurrent = (
  position: DirectPosition,
  current: ReadonlyMap<string, number>,
  earliest: ReadonlyMap<string, number>,
  latest: ReadonlyMap<string, number>
): Effect.Effect<Map<string, number>, DirectOffsetOutOfRangeError | DirectPartitionLostError> =>
  Effect.gen(function*() {
    const lost = [...current.keys()].filter((partition) => !latest.has(partition))
    if (lost.length > 0) return yield* new DirectPartitionLostError({ source: position.source.name, partitions: lost.sort() })
    const resolved = new Map<string, number>()
    for (const partition of [...latest.keys()].sort()) {
      const end = latest.get(partition)!
      const start = earliest.get(partition) ?? 0
      const known = current.get(partition) ?? position.startingOffsets?.get(partition)
      const outOfRange = (offset: number | undefined) =>
        new DirectOffsetOutOfRangeError({ source: position.source.name, partition, offset, earliest: start, latest: end })
      if (known !== undefined && known >= start && known <= end) {
        resolved.set(partition, known)
        continue
      }
      if (position.offsetReset === "fail") return yield* outOfRange(known)
      const moved = position.offsetReset === "earliest" ? start : end
      if (known !== undefined) {
        yield* Effect.logWarning(`${outOfRange(known).message.split(";")[0]}: moving to the ${position.offsetReset} offset ${moved}`)
      }
      resolved.set(partition, moved)
    }
    return resolved
  })

/**
 * The ranges of a batch: from each partition's current offset to its latest,
 * clamped by `maxMessagesPerPartition` (Spark's `clamp`). `estimatedRate` is
 * the rate controller's latest rate, when backpressure has one; until then
 * (or while it is 0) the initial rate stands in.
 */
export const planRanges = (
  position: DirectPosition,
  current: ReadonlyMap<string, number>,
  latest: ReadonlyMap<string, number>,
  estimatedRate: Option.Option<number>
): Effect.Effect<Array<OffsetRange.OffsetRange>> =>
  Effect.gen(function*() {
    const { settings } = position
    const ends = new Map<string, number>()
    for (const [partition, offset] of current) ends.set(partition, latest.get(partition) ?? offset)
    const limits = yield* DirectRateLimits.maxMessagesPerPartition(ends, {
      currentOffsets: current,
      // Spark reads the initial rate only for a stream with a rate controller (backpressure on).
      estimatedRate: settings.backpressure ? estimatedRate : Option.none(),
      ...(settings.backpressure ? { initialRate: settings.initialRate } : {}),
      batchDurationMs: position.batchDurationMs,
      maxRatePerPartition: settings.maxRatePerPartition,
      minRatePerPartition: settings.minRatePerPartition
    }).pipe(Effect.orDie) // every input was checked when the stream was built
    const ranges: Array<OffsetRange.OffsetRange> = []
    for (const [partition, from] of [...current].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const end = ends.get(partition)!
      const limit = Option.isSome(limits) ? limits.value.get(partition) : undefined
      ranges.push(OffsetRange.make(partition, from, limit === undefined ? end : Math.min(end, from + limit)))
    }
    return ranges
  })

/** The next batch's ranges: ask the source for its ends, resolve the current offsets, clamp. */
export const nextRanges = (
  position: DirectPosition,
  current: ReadonlyMap<string, number>,
  estimatedRate: Option.Option<number>
): Effect.Effect<Array<OffsetRange.OffsetRange>, PlanError> =>
  Effect.gen(function*() {
    const latest = yield* position.source.latestOffsets
    const earliest = yield* position.source.earliestOffsets
    const resolved = yield* resolveCurrent(position, current, earliest, latest)
    return yield* planRanges(position, resolved, latest, estimatedRate)
  })
