/**
 * A proportional-integral-derivative (PID) controller on the ingestion rate.
 *
 * The error is the difference between the latest estimated rate and the rate at
 * which the last batch was actually processed; the integral term is the backlog
 * signalled by the scheduling delay. Exactly Spark's arithmetic, as a pure step
 * function over plain data plus a stateful `RateEstimator`.
 *
 * Mirrors `org.apache.spark.streaming.scheduler.rate.PIDRateEstimator`.
 *
 * @since 0.1.0
 */
import type * as Effect from "effect/Effect"
import { dual } from "effect/Function"
import type * as Option from "effect/Option"
import * as internal from "./internal/pidRateEstimator.js"
import type { InvalidArgumentError, InvalidConfigError, InvalidDurationError, InvalidRateError } from "./RateControlError.js"
import type { BatchUpdate, RateEstimator } from "./RateEstimator.js"

/**
 * The estimator's parameters. Only `batchIntervalMs` is required; the gains and
 * `minRate` default to Spark's values (`proportional` 1.0, `integral` 0.2,
 * `derivative` 0.0, `minRate` 100).
 *
 * Mirrors the constructor of `org.apache.spark.streaming.scheduler.rate.PIDRateEstimator`.
 *
 * **Example**
 * ```ts
 * import type { PIDRateEstimator } from "@tspark/rate-control"
 *
 * const options: PIDRateEstimator.PIDRateEstimatorOptions = { batchIntervalMs: 1_000, minRate: 10 }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface PIDRateEstimatorOptions {
  /** The batch duration in milliseconds; must be > 0. */
  readonly batchIntervalMs: number
  /** Weight of the current error; >= 0, default 1.0. */
  readonly proportional?: number | undefined
  /** Weight of the accumulated error (scheduling delay); >= 0, default 0.2. */
  readonly integral?: number | undefined
  /** Weight of the error's rate of change; >= 0, default 0.0. */
  readonly derivative?: number | undefined
  /** The lowest rate ever estimated, records/s; > 0, default 100. */
  readonly minRate?: number | undefined
}

/**
 * Validated parameters, with every default filled in.
 *
 * Mirrors the constructor fields of `org.apache.spark.streaming.scheduler.rate.PIDRateEstimator`.
 *
 * **Example**
 * ```ts
 * import { Effect } from "effect"
 * import { PIDRateEstimator } from "@tspark/rate-control"
 *
 * const params = Effect.runSync(PIDRateEstimator.params({ batchIntervalMs: 1_000 }))
 * // { batchIntervalMs: 1000, proportional: 1, integral: 0.2, derivative: 0, minRate: 100 }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface PIDRateEstimatorParams {
  readonly batchIntervalMs: number
  readonly proportional: number
  readonly integral: number
  readonly derivative: number
  readonly minRate: number
}

/**
 * The estimator's state: its parameters and what it remembers of the previous
 * update. `latestTime`, `latestRate` and `latestError` start at -1 as in Spark.
 *
 * Mirrors the private vars of `org.apache.spark.streaming.scheduler.rate.PIDRateEstimator`.
 *
 * **Example**
 * ```ts
 * import { Effect } from "effect"
 * import { PIDRateEstimator } from "@tspark/rate-control"
 *
 * const state = PIDRateEstimator.initial(Effect.runSync(PIDRateEstimator.params({ batchIntervalMs: 1_000 })))
 * state.firstRun // true
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface PIDState {
  readonly params: PIDRateEstimatorParams
  readonly firstRun: boolean
  readonly latestTime: number
  readonly latestRate: number
  readonly latestError: number
}

/**
 * The result of one pure step: the next state and the new rate, if any.
 *
 * Mirrors the return value of `PIDRateEstimator.compute` plus the state it mutates.
 *
 * **Example**
 * ```ts
 * import { Option } from "effect"
 * import type { PIDRateEstimator } from "@tspark/rate-control"
 *
 * const rateOf = (s: PIDRateEstimator.Step): number => Option.getOrElse(s.rate, () => -1)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface Step {
  readonly state: PIDState
  readonly rate: Option.Option<number>
}

/**
 * A stateful PID estimator: a `RateEstimator` that also exposes its parameters
 * and current state.
 *
 * Mirrors `org.apache.spark.streaming.scheduler.rate.PIDRateEstimator`.
 *
 * **Example**
 * ```ts
 * import { Effect } from "effect"
 * import { PIDRateEstimator } from "@tspark/rate-control"
 *
 * const program = Effect.gen(function*() {
 *   const pid: PIDRateEstimator.PIDRateEstimator = yield* PIDRateEstimator.make({ batchIntervalMs: 1_000 })
 *   return (yield* pid.state).firstRun
 * })
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface PIDRateEstimator extends RateEstimator {
  readonly params: PIDRateEstimatorParams
  readonly state: Effect.Effect<PIDState>
}

/**
 * Spark's default gains and minimum rate: proportional 1.0, integral 0.2,
 * derivative 0.0, minRate 100.
 *
 * Mirrors the defaults of `RateEstimator.create`.
 *
 * **Example**
 * ```ts
 * import { PIDRateEstimator } from "@tspark/rate-control"
 *
 * PIDRateEstimator.defaults.integral // 0.2
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export const defaults: {
  readonly proportional: number
  readonly integral: number
  readonly derivative: number
  readonly minRate: number
} = internal.defaults

/**
 * Validates the parameters: batch interval > 0, every gain >= 0, minRate > 0,
 * all finite. Fails with a typed error whose message says what to change.
 *
 * Mirrors the `require` checks of `org.apache.spark.streaming.scheduler.rate.PIDRateEstimator`.
 *
 * **Example**
 * ```ts
 * import { Effect } from "effect"
 * import { PIDRateEstimator } from "@tspark/rate-control"
 *
 * const bad = PIDRateEstimator.params({ batchIntervalMs: 1_000, proportional: -1 })
 * // fails with InvalidArgumentError: "proportional is -1; pass a finite number >= 0. ..."
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const params: (
  options: PIDRateEstimatorOptions
) => Effect.Effect<PIDRateEstimatorParams, InvalidDurationError | InvalidArgumentError | InvalidRateError> = internal.params

/**
 * The state before any update.
 *
 * Mirrors a freshly constructed `org.apache.spark.streaming.scheduler.rate.PIDRateEstimator`.
 *
 * **Example**
 * ```ts
 * import { Effect } from "effect"
 * import { PIDRateEstimator } from "@tspark/rate-control"
 *
 * const s0 = PIDRateEstimator.initial(Effect.runSync(PIDRateEstimator.params({ batchIntervalMs: 20 })))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const initial: (params: PIDRateEstimatorParams) => PIDState = internal.initial

/**
 * One estimator update as a pure function: state in, state and optional rate
 * out. With `time` (processing end, ms), `numElements`, `processingDelayMs` and
 * `schedulingDelayMs`:
 *
 * - updates with `time <= latestTime`, `numElements <= 0`, `processingDelayMs <= 0`,
 *   or any non-finite figure (or a negative scheduling delay) are skipped: the same
 *   state object comes back with `None`;
 * - the first valid update records the processing rate and returns `None`;
 * - every later one returns
 *   `max(latestRate - kp * error - ki * historicalError - kd * dError, minRate)` where
 *   `error = latestRate - processingRate`,
 *   `historicalError = schedulingDelay * processingRate / batchInterval`,
 *   `dError = (error - latestError) / secondsSinceLastUpdate`.
 *
 * Mirrors `org.apache.spark.streaming.scheduler.rate.PIDRateEstimator.compute`.
 *
 * **Example**
 * ```ts
 * import { Effect, pipe } from "effect"
 * import { PIDRateEstimator } from "@tspark/rate-control"
 *
 * const s0 = PIDRateEstimator.initial(Effect.runSync(PIDRateEstimator.params({ batchIntervalMs: 20, integral: 0 })))
 * const s1 = PIDRateEstimator.step(s0, { time: 0, numElements: 10, processingDelayMs: 10, schedulingDelayMs: 0 })
 * const s2 = pipe(s1.state, PIDRateEstimator.step({ time: 10, numElements: 10, processingDelayMs: 10, schedulingDelayMs: 0 }))
 * // s1.rate is None, s2.rate is Some(1000)
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const step: {
  (update: BatchUpdate): (state: PIDState) => Step
  (state: PIDState, update: BatchUpdate): Step
} = dual(2, internal.step)

/**
 * A stateful PID `RateEstimator` (state kept in a `Ref`, each `compute` an
 * atomic `step`). Fails when the parameters are out of range.
 *
 * Mirrors `new PIDRateEstimator(batchIntervalMillis, proportional, integral, derivative, minRate)`.
 *
 * **Example**
 * ```ts
 * import { Effect } from "effect"
 * import { PIDRateEstimator } from "@tspark/rate-control"
 *
 * const program = Effect.gen(function*() {
 *   const pid = yield* PIDRateEstimator.make({ batchIntervalMs: 20, integral: 0, minRate: 10 })
 *   yield* pid.compute(0, 10, 10, 0) // None: first run
 *   return yield* pid.compute(10, 10, 10, 0) // Some(1000)
 * })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make: (
  options: PIDRateEstimatorOptions
) => Effect.Effect<PIDRateEstimator, InvalidDurationError | InvalidArgumentError | InvalidRateError> = internal.make

/**
 * A PID estimator from a plain configuration record: the gains come from
 * `spark.streaming.backpressure.pid.proportional`, `.integral`, `.derived` and
 * `.minRate`, with Spark's defaults for missing keys.
 *
 * Mirrors the `pid` branch of `RateEstimator.create`.
 *
 * **Example**
 * ```ts
 * import { Effect } from "effect"
 * import { PIDRateEstimator } from "@tspark/rate-control"
 *
 * const pid = PIDRateEstimator.fromConfig({ "spark.streaming.backpressure.pid.integral": "0.1" }, 1_000)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const fromConfig: (
  conf: Readonly<Record<string, string>>,
  batchIntervalMs: number
) => Effect.Effect<
  PIDRateEstimator,
  InvalidConfigError | InvalidDurationError | InvalidArgumentError | InvalidRateError
> = internal.fromConfig
