import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import type { PIDRateEstimator, PIDRateEstimatorOptions, PIDRateEstimatorParams, PIDState, Step } from "../PIDRateEstimator.js"
import type { BatchUpdate } from "../RateEstimator.js"
import type { InvalidArgumentError, InvalidConfigError, InvalidDurationError, InvalidRateError } from "../RateControlError.js"
import * as keys from "./keys.js"
import * as validate from "./validate.js"

/** @internal */
export const defaults = {
  proportional: 1.0,
  integral: 0.2,
  derivative: 0.0,
  minRate: 100
} as const

/** @internal */
export const params = Effect.fnUntraced(function*(
  options: PIDRateEstimatorOptions
): Effect.fn.Return<PIDRateEstimatorParams, InvalidDurationError | InvalidArgumentError | InvalidRateError> {
  const batchIntervalMs = yield* validate.duration("batchIntervalMs", options.batchIntervalMs)
  const proportional = yield* validate.nonNegative(
    "proportional",
    options.proportional ?? defaults.proportional,
    "The proportional gain must be >= 0 (Spark's default is 1.0)."
  )
  const integral = yield* validate.nonNegative(
    "integral",
    options.integral ?? defaults.integral,
    "The integral gain must be >= 0 (Spark's default is 0.2)."
  )
  const derivative = yield* validate.nonNegative(
    "derivative",
    options.derivative ?? defaults.derivative,
    "The derivative gain must be >= 0 (Spark's default is 0.0)."
  )
  const minRate = yield* validate.rate("minRate", options.minRate ?? defaults.minRate, {
    positive: true,
    hint: "The estimator never goes below minRate so that some data always arrives (Spark's default is 100)."
  })
  return { batchIntervalMs, proportional, integral, derivative, minRate }
})

/** @internal */
export const initial = (p: PIDRateEstimatorParams): PIDState => ({
  params: p,
  firstRun: true,
  latestTime: -1,
  latestRate: -1,
  latestError: -1
})

/**
 * @internal Spark's `PIDRateEstimator.compute` as a pure step. A skipped update
 * returns the very same state object.
 */
export const step = (state: PIDState, update: BatchUpdate): Step => {
  const { numElements, processingDelayMs, schedulingDelayMs, time } = update
  if (
    !(time > state.latestTime && numElements > 0 && processingDelayMs > 0) ||
    !Number.isFinite(time) || !Number.isFinite(numElements) || !Number.isFinite(processingDelayMs) ||
    !(Number.isFinite(schedulingDelayMs) && schedulingDelayMs >= 0)
  ) {
    return { state, rate: Option.none() }
  }
  const { batchIntervalMs, derivative, integral, minRate, proportional } = state.params
  // in seconds, should be close to the batch duration
  const delaySinceUpdate = (time - state.latestTime) / 1000
  // in elements/second
  const processingRate = numElements / processingDelayMs * 1000
  // the desired rate is the latest rate; the error is how far processing is from it
  const error = state.latestRate - processingRate
  // schedulingDelay * processingRate elements overflowed; spread over one batch interval
  const historicalError = schedulingDelayMs * processingRate / batchIntervalMs
  // in elements/(second ^ 2)
  const dError = (error - state.latestError) / delaySinceUpdate
  const newRate = Math.max(
    state.latestRate - proportional * error - integral * historicalError - derivative * dError,
    minRate
  )
  if (state.firstRun) {
    return {
      state: { params: state.params, firstRun: false, latestTime: time, latestRate: processingRate, latestError: 0 },
      rate: Option.none()
    }
  }
  return {
    state: { params: state.params, firstRun: false, latestTime: time, latestRate: newRate, latestError: error },
    rate: Option.some(newRate)
  }
}

/** @internal */
export const make = Effect.fnUntraced(function*(
  options: PIDRateEstimatorOptions
): Effect.fn.Return<PIDRateEstimator, InvalidDurationError | InvalidArgumentError | InvalidRateError> {
  const p = yield* params(options)
  const ref = yield* Ref.make(initial(p))
  return {
    params: p,
    state: Ref.get(ref),
    compute: (time, numElements, processingDelayMs, schedulingDelayMs) =>
      Ref.modify(ref, (s) => {
        const next = step(s, { time, numElements, processingDelayMs, schedulingDelayMs })
        return [next.rate, next.state]
      })
  }
})

/** @internal */
export const optionsFromConfig = Effect.fnUntraced(function*(
  conf: Readonly<Record<string, string>>,
  batchIntervalMs: number
): Effect.fn.Return<PIDRateEstimatorOptions, InvalidConfigError> {
  const proportional = yield* validate.confNumber(conf, keys.pidProportional)
  const integral = yield* validate.confNumber(conf, keys.pidIntegral)
  const derivative = yield* validate.confNumber(conf, keys.pidDerived)
  const minRate = yield* validate.confNumber(conf, keys.pidMinRate)
  return {
    batchIntervalMs,
    ...(proportional === undefined ? {} : { proportional }),
    ...(integral === undefined ? {} : { integral }),
    ...(derivative === undefined ? {} : { derivative }),
    ...(minRate === undefined ? {} : { minRate })
  }
})

/** @internal */
export const fromConfig = (conf: Readonly<Record<string, string>>, batchIntervalMs: number) =>
  Effect.flatMap(optionsFromConfig(conf, batchIntervalMs), make)
