import * as Cause from "effect/Cause"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as PubSub from "effect/PubSub"
import * as Queue from "effect/Queue"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type { BatchCompleted, RateController, RateControllerOptions } from "../RateController.js"
import { InvalidArgumentError, InvalidConfigError, RatePublishError } from "../RateControlError.js"
import type { BatchUpdate } from "../RateEstimator.js"
import * as keys from "./keys.js"
import { show } from "./validate.js"

type Message =
  | { readonly _tag: "Update"; readonly update: BatchUpdate }
  | { readonly _tag: "Flush"; readonly done: Deferred.Deferred<void> }

const invalid = (field: string, value: unknown, what: string) =>
  new InvalidArgumentError({
    argument: field,
    value,
    message: `batch completed event: ${field} is ${show(value)}; pass ${what}.`
  })

const recordsOf = (event: BatchCompleted, streamId: number): number | undefined => {
  const records = event.numRecords
  if (records instanceof Map) return records.get(streamId)
  const plain = records as Readonly<Record<number, number>>
  return Object.prototype.hasOwnProperty.call(plain, streamId) ? plain[streamId] : undefined
}

/**
 * @internal
 * Spark's `RateController.onBatchCompleted`: every figure must be present, or
 * the batch is ignored. Present figures must make sense.
 */
export const toUpdate = (
  event: BatchCompleted,
  streamId: number
): Effect.Effect<Option.Option<BatchUpdate>, InvalidArgumentError> => {
  if (!Number.isFinite(event.batchTime)) {
    return Effect.fail(invalid("batchTime", event.batchTime, "the batch time in milliseconds"))
  }
  const end = event.processingEndTime
  if (end !== undefined && !Number.isFinite(end)) {
    return Effect.fail(invalid("processingEndTime", end, "the processing end time in milliseconds, or leave it out"))
  }
  const work = event.processingDelayMs
  if (work !== undefined && !(Number.isFinite(work) && work >= 0)) {
    return Effect.fail(invalid("processingDelayMs", work, "a processing delay in milliseconds >= 0, or leave it out"))
  }
  const wait = event.schedulingDelayMs
  if (wait !== undefined && !(Number.isFinite(wait) && wait >= 0)) {
    return Effect.fail(invalid("schedulingDelayMs", wait, "a scheduling delay in milliseconds >= 0, or leave it out"))
  }
  const elems = recordsOf(event, streamId)
  if (elems !== undefined && !(Number.isFinite(elems) && elems >= 0)) {
    return Effect.fail(
      invalid(`numRecords[${streamId}]`, elems, "a record count >= 0, or leave the stream out")
    )
  }
  if (end === undefined || work === undefined || wait === undefined || elems === undefined) {
    return Effect.succeed(Option.none())
  }
  return Effect.succeed(
    Option.some({ time: end, numElements: elems, processingDelayMs: work, schedulingDelayMs: wait })
  )
}

const defaultReport = (error: RatePublishError) => Effect.logWarning(error.message, error.cause)

/** @internal */
export const make = Effect.fnUntraced(function*(
  options: RateControllerOptions
): Effect.fn.Return<RateController, never, Scope.Scope> {
  const { estimator, streamId } = options
  const report = options.onPublishError ?? defaultReport
  const publish = options.publish
  const queue = yield* Queue.unbounded<Message>()
  const pubsub = yield* PubSub.unbounded<number>()
  yield* Effect.addFinalizer(() => PubSub.shutdown(pubsub))
  let latest: Option.Option<number> = Option.none()

  const callPublish = (rate: number): Effect.Effect<void> =>
    publish === undefined ? Effect.void : Effect.suspend(() => {
      const result = publish(rate)
      return Effect.isEffect(result) ? Effect.asVoid(result) : Effect.void
    }).pipe(
      Effect.catchCause((cause) =>
        Cause.hasInterruptsOnly(cause)
          ? Effect.failCause(cause as Cause.Cause<never>)
          : report(
            new RatePublishError({
              streamId,
              rate,
              cause: Cause.squash(cause),
              message: `publishing rate ${rate} records/s for stream ${streamId} failed: ${
                String(Cause.squash(cause))
              }; the controller keeps running and will publish the next estimate.`
            })
          )
      )
    )

  const computeAndPublish = (update: BatchUpdate): Effect.Effect<void> =>
    Effect.flatMap(
      estimator.compute(update.time, update.numElements, update.processingDelayMs, update.schedulingDelayMs),
      (estimate) => {
        if (Option.isNone(estimate)) return Effect.void
        // Spark keeps the latest rate as a Long
        const rate = Math.floor(estimate.value)
        latest = Option.some(rate)
        return Effect.andThen(callPublish(rate), PubSub.publish(pubsub, rate))
      }
    )

  // an estimator that dies must not stop the controller: log it and go on
  const handle = (message: Message): Effect.Effect<void> =>
    message._tag === "Flush"
      ? Deferred.succeed(message.done, undefined)
      : Effect.catchCause(computeAndPublish(message.update), (cause) =>
        Cause.hasInterruptsOnly(cause)
          ? Effect.failCause(cause)
          : Effect.logError(`rate estimation for stream ${streamId} failed; keeping rate ${show(latest)}`, cause))

  yield* Effect.forkScoped(Effect.forever(Effect.flatMap(Queue.take(queue), handle)))

  return {
    streamId,
    onBatchCompleted: (event) =>
      Effect.flatMap(toUpdate(event, streamId), (update) =>
        Option.isNone(update)
          ? Effect.void
          : Effect.asVoid(Queue.offer(queue, { _tag: "Update", update: update.value }))),
    latestRate: Effect.sync(() => latest),
    rates: Stream.fromPubSub(pubsub),
    subscribe: Effect.map(PubSub.subscribe(pubsub), Stream.fromSubscription),
    flush: Effect.flatMap(
      Deferred.make<void>(),
      (done) => Effect.andThen(Queue.offer(queue, { _tag: "Flush", done }), Deferred.await(done))
    )
  }
})

/** @internal */
export const isBackPressureEnabled = (
  conf: Readonly<Record<string, string>>
): Effect.Effect<boolean, InvalidConfigError> => {
  const raw = Object.prototype.hasOwnProperty.call(conf, keys.backpressureEnabled)
    ? conf[keys.backpressureEnabled]
    : undefined
  if (raw === undefined) return Effect.succeed(false)
  const value = raw.trim().toLowerCase()
  if (value === "true") return Effect.succeed(true)
  if (value === "false") return Effect.succeed(false)
  return Effect.fail(
    new InvalidConfigError({
      key: keys.backpressureEnabled,
      value: raw,
      message: `${keys.backpressureEnabled} is ${show(raw)}; set it to "true" or "false".`
    })
  )
}
