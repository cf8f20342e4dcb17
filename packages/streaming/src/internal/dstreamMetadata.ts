/**
 * The bookkeeping every DStream shares, behind `DStream`'s methods of the same
 * names (in Spark they sit in `DStream` itself): the zero time and remember
 * duration, the generated RDDs (persisted, checkpointed and forgotten as
 * configured) and the checks made at start. Each function walks the lineage
 * through the parents' methods, so a stream and its parents stay in step.
 */
import { type RDD as RDDModule, StorageLevel } from "@tspark/core"
import { type Duration, Effect } from "effect"
import type { DStream } from "../dstream/DStream.js"
import { IllegalStateError, InvalidStreamError } from "../StreamingError.js"
import type * as Time from "../Time.js"
import { isMultipleOf, positiveMillis } from "./durations.js"
import { floor, toTime } from "./time.js"

type RDD<T> = RDDModule.RDD<T>

/** Whether an RDD is generated at `time`: a slide boundary after the zero time. */
export const isTimeValid = <T>(stream: DStream<T>, time: Time.Input): boolean => {
  if (stream.zeroTime === undefined) return false
  return time > stream.zeroTime && (time - stream.zeroTime) % stream.slideDurationMs === 0
}

/** Sets the zero time and default checkpoint and remember durations, then the parents'. */
export const initialize = <T>(stream: DStream<T>, zeroTime: Time.Input): void => {
  if (stream.zeroTime !== undefined && stream.zeroTime === zeroTime) return
  stream.zeroTime = toTime(zeroTime)
  if (stream.mustCheckpoint && stream.checkpointDurationMs === undefined) {
    // Spark's default: checkpoint stateful streams every max(slide, 10 s) slides.
    const slide = stream.slideDurationMs
    stream.checkpointDurationMs = slide * Math.max(1, Math.ceil(10_000 / slide))
  }
  let remember = stream.rememberDurationMs ?? stream.slideDurationMs
  if (stream.checkpointDurationMs !== undefined) remember = Math.max(remember, 2 * stream.checkpointDurationMs)
  stream.rememberDurationMs = remember
  for (const parent of stream.dependencies) parent.initialize(zeroTime)
}

/** Makes the stream (and its parents, for as long as its kind needs) keep RDDs at least `durationMs`. */
export const remember = <T>(stream: DStream<T>, durationMs: number): void => {
  if (stream.rememberDurationMs === undefined || durationMs > stream.rememberDurationMs) stream.rememberDurationMs = durationMs
  const forParents = stream.kind.parentRememberDurationMs?.(stream.rememberDurationMs) ?? stream.rememberDurationMs
  for (const parent of stream.dependencies) parent.remember(forParents)
}

/** The remembered RDD of batch `time`, or a newly computed one, persisted and checkpointed as configured. */
export const getOrCompute = <T>(stream: DStream<T>, time: Time.Input): RDD<T> | undefined => {
  const existing = stream.generatedRDDs.get(time)
  if (existing !== undefined) return existing
  if (!stream.isTimeValid(time)) return undefined
  const rdd = stream.kind.compute(toTime(time), stream)
  if (rdd === undefined) return undefined
  if (stream.storageLevel !== StorageLevel.NONE) rdd.persist(stream.storageLevel)
  if (
    stream.checkpointDurationMs !== undefined && stream.zeroTime !== undefined &&
    (time - stream.zeroTime) % stream.checkpointDurationMs === 0
  ) {
    rdd.checkpoint()
  }
  stream.generatedRDDs.set(time, rdd)
  return rdd
}

/**
 * Spark's `DStream.slice`: the RDDs of the batches from `fromTime` to
 * `toTime` (both included), each rounded down to the stream's slide from its
 * zero time; none before the zero time, none when `fromTime` is after
 * `toTime`. Empty before the stream is initialized (`sliceChecked` fails then).
 */
export const slice = <T>(stream: DStream<T>, fromTime: Time.Input, toTime: Time.Input): Array<RDD<T>> => {
  const rdds: Array<RDD<T>> = []
  const zeroTime = stream.zeroTime
  if (zeroTime === undefined) return rdds
  const slide = stream.slideDurationMs
  const to = floor(toTime, slide, zeroTime)
  for (let time: number = floor(fromTime, slide, zeroTime); time <= to; time += slide) {
    const rdd = time >= zeroTime ? stream.getOrCompute(time) : undefined
    if (rdd !== undefined) rdds.push(rdd)
  }
  return rdds
}

/** `slice` as the public method: fails before the stream is initialized, warns of times off the slide. */
export const sliceChecked = <T>(
  stream: DStream<T>,
  fromTime: Time.Input,
  toTime: Time.Input
): Effect.Effect<Array<RDD<T>>, IllegalStateError> =>
  Effect.gen(function*() {
    const zeroTime = stream.zeroTime
    if (zeroTime === undefined) {
      return yield* new IllegalStateError({
        message: `${stream.kind.name}[${stream.id}] has not been initialized: slice it once the StreamingContext has started`
      })
    }
    const slide = stream.slideDurationMs
    for (const [name, time] of [["toTime", toTime], ["fromTime", fromTime]] as const) {
      if ((time - zeroTime) % slide !== 0) {
        yield* Effect.logWarning(`${name} (${time} ms) is not a multiple of slideDuration (${slide} ms)`)
      }
    }
    return slice(stream, fromTime, toTime)
  })

/**
 * Fails the batch being generated with `error`, as Spark's `compute` throws
 * (a parent without an RDD for a union or a transform): the graph turns it
 * into the failed job of each output operation that reached it
 * (`DStreamGraph.generateJobs`), which is logged and reported to listeners
 * like any failed job. The one place a stream's computation throws.
 */
export const failBatch = (error: IllegalStateError): never => {
  throw error
}

/**
 * Forgets RDDs older than the remember duration (unpersisting them), then the
 * parents'. The forgotten RDDs are appended to `forgotten`, for the context
 * cleaner to remove what only they reach (their shuffles, checkpoint files).
 */
export const clearMetadata = <T>(stream: DStream<T>, time: Time.Input, forgotten: Array<RDD<unknown>>): void => {
  const horizon = time - (stream.rememberDurationMs ?? stream.slideDurationMs)
  for (const [batch, rdd] of stream.generatedRDDs) {
    if (batch <= horizon) {
      stream.generatedRDDs.delete(batch)
      if (rdd.storageLevel !== StorageLevel.NONE) rdd.unpersist()
      forgotten.push(rdd as RDD<unknown>)
    }
  }
  for (const parent of stream.dependencies) parent.clearMetadata(time, forgotten)
}

/**
 * Checkpoints the stream's RDDs every `interval`, persisting them if no level
 * is set. An interval that is not a positive duration is kept as an error
 * that `start` reports (building a stream never throws).
 */
export const checkpoint = <T>(stream: DStream<T>, interval: Duration.Input): void => {
  const ms = positiveMillis(interval, stream.kind.name, "checkpoint interval")
  if (typeof ms !== "number") {
    stream.checkpointIntervalError = ms
    return
  }
  stream.checkpointIntervalError = undefined
  stream.checkpointDurationMs = ms
  if (stream.storageLevel === StorageLevel.NONE) stream.persist()
}

/** The first error among the stream's and its lineage's durations and checkpointing, checked before start. */
export const validateAtStart = <T>(
  stream: DStream<T>,
  checkpointDir: string | undefined
): InvalidStreamError | IllegalStateError | undefined => {
  const error = stream.validationError ?? stream.checkpointIntervalError
  if (error !== undefined) return error
  const name = stream.kind.name
  if (stream.mustCheckpoint && checkpointDir === undefined) {
    return new InvalidStreamError({
      stream: name,
      message: `${name} is stateful and must be checkpointed: set a checkpoint directory with ssc.checkpoint(dir)`
    })
  }
  if (stream.checkpointDurationMs !== undefined && !isMultipleOf(stream.checkpointDurationMs, stream.slideDurationMs)) {
    return new InvalidStreamError({
      stream: name,
      message: `The checkpoint interval ${stream.checkpointDurationMs} ms of ${name} must be a multiple of ` +
        `its slide duration ${stream.slideDurationMs} ms`
    })
  }
  for (const parent of stream.dependencies) {
    const parentError = parent.validateAtStart(checkpointDir)
    if (parentError !== undefined) return parentError
  }
  return undefined
}
