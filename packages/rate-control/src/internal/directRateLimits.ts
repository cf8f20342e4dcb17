import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { DirectRateOptions, PerPartitionRates } from "../DirectRateLimits.js"
import { InvalidArgumentError, type InvalidConfigError, type InvalidDurationError, type InvalidRateError } from "../RateControlError.js"
import * as keys from "./keys.js"
import * as validate from "./validate.js"

const perPartition = <K>(
  argument: string,
  setting: number | ((partition: K) => number) | undefined,
  fallback: number,
  partition: K
): Effect.Effect<number, InvalidRateError> => {
  const value = setting === undefined ? fallback : typeof setting === "number" ? setting : setting(partition)
  return validate.rate(typeof setting === "function" ? `${argument}(${String(partition)})` : argument, value)
}

/** @internal Spark's `DirectKafkaInputDStream.maxMessagesPerPartition`. */
export const maxMessagesPerPartition = Effect.fnUntraced(function*<K>(
  offsets: ReadonlyMap<K, number>,
  options: DirectRateOptions<K>
): Effect.fn.Return<
  Option.Option<Map<K, number>>,
  InvalidRateError | InvalidDurationError | InvalidArgumentError
> {
  const batchDurationMs = yield* validate.duration("batchDurationMs", options.batchDurationMs)
  const estimated = options.estimatedRate
  if (Option.isSome(estimated)) {
    yield* validate.rate("estimatedRate", estimated.value, {
      allowInfinity: true,
      hint: "Pass Option.none() when there is no estimate yet."
    })
  }
  const initialRate = options.initialRate === undefined ? 0 : yield* validate.rate("initialRate", options.initialRate, {
    hint: `Pass ${keys.initialRate} (records/s for the whole stream), or 0 for none.`
  })
  const lags = new Map<K, number>()
  let totalLag = 0
  for (const [partition, offset] of offsets) {
    const current = options.currentOffsets.get(partition)
    if (current === undefined) {
      return yield* new InvalidArgumentError({
        argument: "currentOffsets",
        value: partition,
        message: `no current offset for partition ${String(partition)}; ` +
          `pass currentOffsets for every partition in offsets.`
      })
    }
    if (!Number.isFinite(offset) || !Number.isFinite(current)) {
      return yield* new InvalidArgumentError({
        argument: "offsets",
        value: partition,
        message: `partition ${String(partition)} has offsets ${current} -> ${offset}; pass finite offsets.`
      })
    }
    const lag = Math.max(offset - current, 0)
    lags.set(partition, lag)
    totalLag += lag
  }

  const limits = new Map<K, number>()
  let sum = 0
  // Spark: the latest rate when there is one (> 0), else the initial rate; a rate of 0 means none.
  const latest = Option.isSome(estimated) && estimated.value > 0 ? estimated.value : initialRate
  const rate = latest > 0 ? latest : undefined
  for (const [partition, lag] of lags) {
    const max = yield* perPartition("maxRatePerPartition", options.maxRatePerPartition, 0, partition)
    let limit: number
    if (rate !== undefined) {
      // Spark divides 0 lag by 0 total lag into NaN, which ends in None
      if (totalLag === 0) return Option.none()
      const backpressureRate = lag / totalLag * rate
      limit = max > 0 ? Math.min(backpressureRate, max) : backpressureRate
    } else {
      limit = max
    }
    limits.set(partition, limit)
    sum += limit
  }
  if (!(sum > 0)) return Option.none()

  const secsPerBatch = batchDurationMs / 1000
  const result = new Map<K, number>()
  for (const [partition, limit] of limits) {
    // Every partition gets at least the floor, with lag or not (a caller clamps to the latest offset).
    const min = yield* perPartition("minRatePerPartition", options.minRatePerPartition, 1, partition)
    result.set(partition, Math.max(Math.floor(secsPerBatch * limit), min))
  }
  return Option.some(result)
})

/** @internal */
export const ratesFromConfig = Effect.fnUntraced(function*(
  conf: Readonly<Record<string, string>>
): Effect.fn.Return<PerPartitionRates, InvalidConfigError | InvalidRateError> {
  const max = yield* validate.confNumber(conf, keys.kafkaMaxRatePerPartition)
  const min = yield* validate.confNumber(conf, keys.kafkaMinRatePerPartition)
  return {
    maxRatePerPartition: max === undefined ? 0 : yield* validate.rate(keys.kafkaMaxRatePerPartition, max),
    minRatePerPartition: min === undefined ? 1 : yield* validate.rate(keys.kafkaMinRatePerPartition, min)
  }
})
