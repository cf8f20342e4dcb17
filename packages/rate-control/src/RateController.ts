/**
 * Listens for completed batches, asks a `RateEstimator` for a new rate and
 * publishes it.
 *
 * Events are queued and handled one at a time, in order, by a fiber that lives
 * as long as the enclosing `Scope`; `onBatchCompleted` returns as soon as the
 * event is queued. The latest rate is kept, handed to the `publish` callback and
 * broadcast on a `Stream`. A failing `publish` is reported to `onPublishError`
 * (default: a warning log) and the controller goes on.
 *
 * Mirrors `org.apache.spark.streaming.scheduler.RateController`.
 *
 * @since 0.1.0
 */
import type * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import type * as Stream from "effect/Stream"
import * as keys from "./internal/keys.js"
import * as internal from "./internal/rateController.js"
import type { InvalidArgumentError, InvalidConfigError, RatePublishError } from "./RateControlError.js"
import type { BatchUpdate, RateEstimator } from "./RateEstimator.js"

/**
 * A batch-completed event as plain data. Times and delays are milliseconds.
 * `numRecords` maps stream ids to the records each input stream contributed.
 * When the processing end time, either delay or this stream's record count is
 * missing, the controller ignores the event, as Spark does.
 *
 * Mirrors `StreamingListenerBatchCompleted(batchInfo: BatchInfo)`.
 *
 * **Example**
 * ```ts
 * import type { RateController } from "@tspark/rate-control"
 *
 * const event: RateController.BatchCompleted = {
 *   batchTime: 10_000,
 *   processingEndTime: 10_850,
 *   processingDelayMs: 800,
 *   schedulingDelayMs: 50,
 *   numRecords: { 0: 4_000 }
 * }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface BatchCompleted {
  readonly batchTime: number
  readonly processingEndTime?: number | undefined
  readonly processingDelayMs?: number | undefined
  readonly schedulingDelayMs?: number | undefined
  readonly numRecords: Readonly<Record<number, number>> | ReadonlyMap<number, number>
}

/**
 * How to build a controller for one input stream.
 *
 * - `streamId`: the input stream whose record count is read from each event;
 * - `estimator`: computes new rates;
 * - `publish`: called with every new rate (an integer, records/s), before the
 *   rate appears on `rates`; may return an Effect, which may fail;
 * - `onPublishError`: hears a `RatePublishError` when `publish` fails or throws.
 *
 * Mirrors the constructor and abstract `publish` of `org.apache.spark.streaming.scheduler.RateController`.
 *
 * **Example**
 * ```ts
 * import { Effect } from "effect"
 * import type { RateController, RateEstimator } from "@tspark/rate-control"
 *
 * declare const estimator: RateEstimator.RateEstimator
 * const options: RateController.RateControllerOptions = {
 *   streamId: 0,
 *   estimator,
 *   publish: (rate) => Effect.log(`new rate ${rate}`)
 * }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface RateControllerOptions {
  readonly streamId: number
  readonly estimator: RateEstimator
  readonly publish?: ((rate: number) => Effect.Effect<unknown, unknown> | void) | undefined
  readonly onPublishError?: ((error: RatePublishError) => Effect.Effect<void>) | undefined
}

/**
 * A running controller.
 *
 * - `onBatchCompleted(event)`: queues the event (fails only for nonsense figures:
 *   NaN, negative delays or counts);
 * - `latestRate`: the last published rate, `None` before the first estimate
 *   (Spark's `getLatestRate()` returns -1 there);
 * - `rates`: every rate published after the stream starts running;
 * - `subscribe`: subscribes now (scoped) and returns the stream of later rates,
 *   so no rate published after this call is missed;
 * - `flush`: waits until every event queued before it has been handled.
 *
 * Mirrors `org.apache.spark.streaming.scheduler.RateController`.
 *
 * **Example**
 * ```ts
 * import { Effect } from "effect"
 * import { PIDRateEstimator, RateController } from "@tspark/rate-control"
 *
 * const program = Effect.scoped(Effect.gen(function*() {
 *   const estimator = yield* PIDRateEstimator.make({ batchIntervalMs: 1_000 })
 *   const controller = yield* RateController.make({ streamId: 0, estimator })
 *   yield* controller.onBatchCompleted({
 *     batchTime: 1_000, processingEndTime: 1_500, processingDelayMs: 500, schedulingDelayMs: 0,
 *     numRecords: { 0: 1_000 }
 *   })
 *   yield* controller.flush
 *   return yield* controller.latestRate // None: the first batch only calibrates the estimator
 * }))
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface RateController {
  readonly streamId: number
  readonly onBatchCompleted: (event: BatchCompleted) => Effect.Effect<void, InvalidArgumentError>
  readonly latestRate: Effect.Effect<Option.Option<number>>
  readonly rates: Stream.Stream<number>
  readonly subscribe: Effect.Effect<Stream.Stream<number>, never, Scope.Scope>
  readonly flush: Effect.Effect<void>
}

/**
 * The configuration key that turns backpressure on: `spark.streaming.backpressure.enabled`.
 *
 * Mirrors the key read by `RateController.isBackPressureEnabled`.
 *
 * **Example**
 * ```ts
 * import { RateController } from "@tspark/rate-control"
 *
 * const conf = { [RateController.backpressureEnabledKey]: "true" }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export const backpressureEnabledKey: string = keys.backpressureEnabled

/**
 * Starts a controller whose worker fiber lives in the current `Scope`: closing
 * the scope stops it and ends `rates`.
 *
 * Mirrors `new RateController(streamUID, rateEstimator)` with its
 * single-thread `stream-rate-update` executor.
 *
 * **Example**
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { PIDRateEstimator, RateController } from "@tspark/rate-control"
 *
 * const program = Effect.scoped(Effect.gen(function*() {
 *   const estimator = yield* PIDRateEstimator.make({ batchIntervalMs: 1_000 })
 *   const controller = yield* RateController.make({ streamId: 0, estimator, publish: (r) => Effect.log(r) })
 *   const rates = yield* controller.subscribe
 *   return rates.pipe(Stream.take(1))
 * }))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make: (options: RateControllerOptions) => Effect.Effect<RateController, never, Scope.Scope> = internal.make

/**
 * Reads `spark.streaming.backpressure.enabled` (default `false`); anything but
 * `true`/`false` fails with `InvalidConfigError`.
 *
 * Mirrors `RateController.isBackPressureEnabled(conf)`.
 *
 * **Example**
 * ```ts
 * import { Effect } from "effect"
 * import { RateController } from "@tspark/rate-control"
 *
 * Effect.runSync(RateController.isBackPressureEnabled({ "spark.streaming.backpressure.enabled": "true" })) // true
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const isBackPressureEnabled: (
  conf: Readonly<Record<string, string>>
) => Effect.Effect<boolean, InvalidConfigError> = internal.isBackPressureEnabled

/**
 * The figures the controller hands to its estimator, or `None` when the event
 * lacks one of them. Fails for nonsense figures.
 *
 * Mirrors the `for` comprehension in `RateController.onBatchCompleted`.
 *
 * **Example**
 * ```ts
 * import { Effect } from "effect"
 * import { RateController } from "@tspark/rate-control"
 *
 * const update = RateController.toBatchUpdate(
 *   { batchTime: 0, processingEndTime: 900, processingDelayMs: 800, schedulingDelayMs: 100, numRecords: { 3: 50 } },
 *   3
 * ) // Some({ time: 900, numElements: 50, processingDelayMs: 800, schedulingDelayMs: 100 })
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const toBatchUpdate: (
  event: BatchCompleted,
  streamId: number
) => Effect.Effect<Option.Option<BatchUpdate>, InvalidArgumentError> = internal.toUpdate
