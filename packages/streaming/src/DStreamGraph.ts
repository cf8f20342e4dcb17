/**
 * The graph of a streaming application: its input streams and its output
 * streams (each output operation), which turn every batch into jobs.
 *
 * Mirrors `org.apache.spark.streaming.DStreamGraph`.
 *
 * @since 0.1.0
 */
import type { RDD } from "@tspark/core"
import { Effect } from "effect"
import type { DStream } from "./dstream/DStream.js"
import type { Job } from "./scheduler/Job.js"
import type { RestartPoint } from "./scheduler/JobGenerator.js"
import { IllegalStateError, type InvalidStreamError } from "./StreamingError.js"
import type { Time } from "./Time.js"

/**
 * The graph.
 *
 * **Example**
 * ```ts
 * const graph = new DStreamGraph(1000)
 * graph.addInputStream(input)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class DStreamGraph {
  readonly inputStreams: Array<DStream<unknown>> = []
  readonly outputStreams: Array<DStream<unknown>> = []
  /** Set with `ssc.remember`: keep generated RDDs at least this long. */
  rememberDurationMs: number | undefined = undefined
  /** An `ssc.remember` duration that was not positive: `start` fails with it. */
  rememberDurationError: InvalidStreamError | undefined = undefined
  zeroTime: number | undefined = undefined
  /** Set when `StreamingContext.getOrCreate` restored a checkpoint into this graph: where `start` takes up. */
  restartPoint: RestartPoint | undefined = undefined

  constructor(readonly batchDurationMs: number) {}

  addInputStream(stream: DStream<unknown>): void {
    this.inputStreams.push(stream)
  }

  addOutputStream(stream: DStream<unknown>): void {
    this.outputStreams.push(stream)
  }

  /** Checks the graph before start: at least one output, valid streams, checkpointing where needed. */
  validate(checkpointDir: string | undefined): InvalidStreamError | IllegalStateError | undefined {
    if (this.outputStreams.length === 0) {
      return new IllegalStateError({
        message: "No output operations registered, so nothing to execute: add one such as print() or foreachRDD() before start()"
      })
    }
    if (this.rememberDurationError !== undefined) return this.rememberDurationError
    for (const output of this.outputStreams) {
      const error = output.validateAtStart(checkpointDir)
      if (error !== undefined) return error
    }
    return undefined
  }

  /** Sets every stream's zero time and remember duration. */
  start(zeroTime: number): void {
    this.zeroTime = zeroTime
    for (const output of this.outputStreams) output.initialize(zeroTime)
    if (this.rememberDurationMs !== undefined) {
      for (const output of this.outputStreams) output.remember(this.rememberDurationMs)
    }
    for (const output of this.outputStreams) output.remember(output.rememberDurationMs ?? this.batchDurationMs)
  }

  /** One job per output operation that has an RDD at `time`. */
  generateJobs(time: number): Array<Job> {
    const jobs: Array<Job> = []
    this.outputStreams.forEach((output, outputOpId) => {
      const parent = output.dependencies[0]!
      const description = `${output.kind.name} of ${parent.kind.name}[${parent.id}] at ${time}`
      let rdd: RDD.RDD<unknown> | undefined
      try {
        rdd = parent.getOrCompute(time)
      } catch (error) {
        // A stream that cannot compute the batch (a union or transform whose parent has no RDD) fails this job.
        if (error instanceof IllegalStateError) jobs.push({ time, outputOpId, description, run: Effect.fail(error) })
        else throw error
        return
      }
      if (rdd === undefined || output.kind.output === undefined) return
      jobs.push({ time, outputOpId, description, run: output.kind.output(rdd, time as Time) })
    })
    return jobs
  }

  /** Forgets RDDs no stream needs after the batch at `time`; returns the forgotten RDDs. */
  clearMetadata(time: number): Array<RDD.RDD<unknown>> {
    const forgotten: Array<RDD.RDD<unknown>> = []
    for (const output of this.outputStreams) output.clearMetadata(time, forgotten)
    return forgotten
  }

  /** Every stream of the graph: the outputs and all their ancestors. */
  get streams(): Array<DStream<unknown>> {
    const seen = new Set<DStream<unknown>>()
    const stack = [...this.outputStreams]
    for (let stream = stack.pop(); stream !== undefined; stream = stack.pop()) {
      if (seen.has(stream)) continue
      seen.add(stream)
      stack.push(...stream.dependencies)
    }
    return [...seen]
  }

  /** The RDDs the streams still remember (what later batches may reuse). */
  rememberedRDDs(): Array<RDD.RDD<unknown>> {
    const rdds: Array<RDD.RDD<unknown>> = []
    for (const stream of this.streams) for (const rdd of stream.generatedRDDs.values()) rdds.push(rdd)
    return rdds
  }

  /** The longest remember duration of any input stream (for cleaning input metadata). */
  get maxInputRememberDurationMs(): number {
    return Math.max(this.batchDurationMs, ...this.inputStreams.map((s) => s.rememberDurationMs ?? this.batchDurationMs))
  }
}
