import * as Effect from "effect/Effect"
import type { RateEstimator } from "../RateEstimator.js"
import { UnknownRateEstimatorError } from "../RateControlError.js"
import * as keys from "./keys.js"
import * as pid from "./pidRateEstimator.js"
import { show } from "./validate.js"

/** @internal */
export const rateEstimatorKey = keys.rateEstimator

/** @internal */
export const fromConfig = Effect.fnUntraced(function*(
  conf: Readonly<Record<string, string>>,
  batchIntervalMs: number
) {
  const raw = Object.prototype.hasOwnProperty.call(conf, keys.rateEstimator) ? conf[keys.rateEstimator] : undefined
  const name = raw === undefined ? "pid" : raw.trim()
  if (name !== "pid") {
    return yield* new UnknownRateEstimatorError({
      name,
      message: `unknown rate estimator ${show(name)}; set ${keys.rateEstimator} to "pid" (the only estimator) ` +
        `or remove it.`
    })
  }
  const estimator: RateEstimator = yield* pid.fromConfig(conf, batchIntervalMs)
  return estimator
})
