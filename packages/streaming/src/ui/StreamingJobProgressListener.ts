/**
 * What the Streaming tab shows, kept from the streaming listener events:
 * batches waiting, running and completed (the completed ones bounded by
 * `spark.streaming.ui.retainedBatches`), each batch's output operations,
 * totals, the distributions of the delays, input rates per stream, and each
 * receiver's latest state. Everything it keeps is bounded: a long-running
 * application holds at most the retained batches, the unprocessed ones, and
 * one entry per stream.
 *
 * Mirrors `org.apache.spark.streaming.ui.StreamingJobProgressListener`.
 *
 * @since 0.1.0
 */
import { SparkConf, type SparkListener } from "@tspark/core"
import { Distribution } from "@tspark/core/util"
import type { ReceiverInfo } from "../scheduler/ReceiverInfo.js"
import type { BatchInfo, OutputOperationInfo, StreamingListener } from "../scheduler/StreamingListener.js"
import { InvalidStreamError } from "../StreamingError.js"

/**
 * The key for how many completed batches are kept (default 1000, as Spark's).
 *
 * Mirrors `spark.streaming.ui.retainedBatches`.
 *
 * @category constants
 * @since 0.1.0
 */
export const RETAINED_BATCHES_KEY = "spark.streaming.ui.retainedBatches"

const byTime = (a: BatchInfo, b: BatchInfo) => a.batchTime - b.batchTime

/**
 * The listener and what it has kept. Add it with
 * `ssc.addStreamingListener(progress)`; read it at any time.
 *
 * Mirrors `org.apache.spark.streaming.ui.StreamingJobProgressListener`.
 *
 * **Example**
 * ```ts
 * const progress = yield* StreamingJobProgressListener.make(ssc)
 * yield* ssc.addStreamingListener(progress)
 * progress.schedulingDelayDistribution()?.median
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class StreamingJobProgressListener implements StreamingListener, SparkListener.SparkListener {
  private readonly waiting = new Map<number, BatchInfo>()
  private readonly running = new Map<number, BatchInfo>()
  /** Completed batches, oldest first, at most `retainedBatches`. */
  private readonly completed: Array<BatchInfo> = []
  /** Output operations of the unprocessed batches, as their events came (a completed batch carries its own). */
  private readonly liveOutputOperations = new Map<number, Map<number, OutputOperationInfo>>()
  private readonly receiverInfos = new Map<number, ReceiverInfo>()
  /** The Spark jobs of each kept batch's output operations (batch time, then output operation id). */
  private readonly batchJobIds = new Map<number, Map<number, Array<number>>>()
  private totalCompletedBatches = 0
  private totalReceivedRecords = 0
  private totalProcessedRecords = 0
  private started: number | undefined

  constructor(
    /** The batch interval, ms: input rates are records per second of a batch. */
    readonly batchDurationMs: number,
    /** How many completed batches are kept. */
    readonly retainedBatches: number
  ) {}

  // ------------------------------------------------------------ StreamingListener

  readonly onStreamingStarted = (time: number): void => {
    this.started = time
  }

  readonly onBatchSubmitted = (batch: BatchInfo): void => {
    this.waiting.set(batch.batchTime, batch)
  }

  readonly onBatchStarted = (batch: BatchInfo): void => {
    this.waiting.delete(batch.batchTime)
    this.running.set(batch.batchTime, batch)
    this.totalReceivedRecords += batch.numRecords
  }

  readonly onBatchCompleted = (batch: BatchInfo): void => {
    this.waiting.delete(batch.batchTime)
    this.running.delete(batch.batchTime)
    this.liveOutputOperations.delete(batch.batchTime)
    this.completed.push(batch)
    if (this.completed.length > this.retainedBatches) {
      this.completed.splice(0, this.completed.length - this.retainedBatches)
      // The jobs of batches no longer kept go with them.
      const oldest = this.completed[0]!.batchTime
      for (const time of this.batchJobIds.keys()) if (time < oldest) this.batchJobIds.delete(time)
    }
    this.totalCompletedBatches++
    this.totalProcessedRecords += batch.numRecords
  }

  readonly onOutputOperationStarted = (info: OutputOperationInfo): void => this.recordOutputOperation(info)

  readonly onOutputOperationCompleted = (info: OutputOperationInfo): void => this.recordOutputOperation(info)

  readonly onReceiverStarted = (info: ReceiverInfo): void => void this.receiverInfos.set(info.streamId, info)

  readonly onReceiverError = (info: ReceiverInfo): void => void this.receiverInfos.set(info.streamId, info)

  readonly onReceiverStopped = (info: ReceiverInfo): void => void this.receiverInfos.set(info.streamId, info)

  /**
   * A Spark job started: one of an output operation's jobs when it carries the
   * streaming properties (`spark.streaming.internal.batchTime`, `.outputOpId`).
   * Add the listener to the SparkContext too (`sc.addSparkListener`) to link batches to jobs.
   *
   * Mirrors `StreamingJobProgressListener.onJobStart`.
   */
  readonly onJobStart = (event: Extract<SparkListener.SparkListenerEvent, { _tag: "JobStart" }>): void => {
    const batchTime = Number(event.properties.get("spark.streaming.internal.batchTime"))
    const outputOpId = Number(event.properties.get("spark.streaming.internal.outputOpId"))
    if (!Number.isFinite(batchTime) || !Number.isFinite(outputOpId)) return
    // A batch already forgotten (older than the retained ones) is not brought back.
    if (this.completed.length >= this.retainedBatches && batchTime < this.completed[0]!.batchTime) return
    let byOperation = this.batchJobIds.get(batchTime)
    if (byOperation === undefined) this.batchJobIds.set(batchTime, byOperation = new Map())
    let ids = byOperation.get(outputOpId)
    if (ids === undefined) byOperation.set(outputOpId, ids = [])
    ids.push(event.jobId)
  }

  private recordOutputOperation(info: OutputOperationInfo): void {
    // Only for a batch not completed yet: a late event must not hold an entry no completion removes.
    if (!this.waiting.has(info.batchTime) && !this.running.has(info.batchTime)) return
    let operations = this.liveOutputOperations.get(info.batchTime)
    if (operations === undefined) this.liveOutputOperations.set(info.batchTime, operations = new Map())
    operations.set(info.id, info)
  }

  // ------------------------------------------------------------ what it kept

  /** When streaming started (ms since epoch), once it did. */
  get startTime(): number | undefined {
    return this.started
  }

  /** Batches completed since the start (not only the retained ones). */
  get numTotalCompletedBatches(): number {
    return this.totalCompletedBatches
  }

  /** Records of the batches that started processing. */
  get numTotalReceivedRecords(): number {
    return this.totalReceivedRecords
  }

  /** Records of the batches that completed. */
  get numTotalProcessedRecords(): number {
    return this.totalProcessedRecords
  }

  /** Batches submitted and not completed. */
  get numUnprocessedBatches(): number {
    return this.waiting.size + this.running.size
  }

  /** Batches submitted and not started, oldest first. */
  waitingBatches(): ReadonlyArray<BatchInfo> {
    return [...this.waiting.values()].sort(byTime)
  }

  /** Batches processing, oldest first. */
  runningBatches(): ReadonlyArray<BatchInfo> {
    return [...this.running.values()].sort(byTime)
  }

  /** The retained completed batches, oldest first. */
  retainedCompletedBatches(): ReadonlyArray<BatchInfo> {
    return [...this.completed]
  }

  /** The latest completed batch. */
  lastCompletedBatch(): BatchInfo | undefined {
    return this.completed.reduce<BatchInfo | undefined>(
      (last, b) => (last === undefined || b.batchTime > last.batchTime ? b : last),
      undefined
    )
  }

  /** A batch kept (waiting, running or retained), by its time. */
  batch(batchTime: number): BatchInfo | undefined {
    return this.waiting.get(batchTime) ?? this.running.get(batchTime) ?? this.completed.find((b) => b.batchTime === batchTime)
  }

  /** A kept batch's output operations by id: those its events reported so far, or the completed batch's. */
  outputOperations(batchTime: number): ReadonlyArray<OutputOperationInfo> {
    const live = this.liveOutputOperations.get(batchTime)
    const operations = live !== undefined ? [...live.values()] : [...(this.batch(batchTime)?.outputOperationInfos.values() ?? [])]
    return operations.sort((a, b) => a.id - b.id)
  }

  /** The Spark job ids of a kept batch's output operation, in the order they started (empty when none was heard). */
  outputOperationJobIds(batchTime: number, outputOpId: number): ReadonlyArray<number> {
    return this.batchJobIds.get(batchTime)?.get(outputOpId) ?? []
  }

  /** Scheduling delay (submission to start) over the retained completed batches. */
  schedulingDelayDistribution(): Distribution.Distribution | undefined {
    return this.metric((b) => b.schedulingDelay)
  }

  /** Processing time over the retained completed batches. */
  processingDelayDistribution(): Distribution.Distribution | undefined {
    return this.metric((b) => b.processingDelay)
  }

  /** Total delay (submission to end) over the retained completed batches. */
  totalDelayDistribution(): Distribution.Distribution | undefined {
    return this.metric((b) => b.totalDelay)
  }

  /**
   * Per input stream, each retained batch's input rate (records per second
   * of the batch interval), oldest first: the Streaming tab's timelines.
   */
  inputRates(): ReadonlyMap<number, ReadonlyArray<readonly [batchTime: number, recordsPerSecond: number]>> {
    const rates = new Map<number, Array<readonly [number, number]>>()
    for (const batch of [...this.completed, ...this.runningBatches(), ...this.waitingBatches()]) {
      for (const [streamId, input] of batch.streamIdToInputInfo) {
        let series = rates.get(streamId)
        if (series === undefined) rates.set(streamId, series = [])
        series.push([batch.batchTime, (input.numRecords * 1000) / this.batchDurationMs])
      }
    }
    return rates
  }

  /** How many entries it keeps of each kind: its bound, for tests and monitoring. */
  sizes(): {
    readonly completed: number
    readonly unprocessed: number
    readonly liveOutputOperations: number
    readonly batchJobIds: number
  } {
    const unprocessed = this.waiting.size + this.running.size
    return {
      completed: this.completed.length,
      unprocessed,
      liveOutputOperations: this.liveOutputOperations.size,
      batchJobIds: this.batchJobIds.size
    }
  }

  /** Each receiver's latest state, by stream id. */
  receivers(): ReadonlyArray<ReceiverInfo> {
    return [...this.receiverInfos.values()].sort((a, b) => a.streamId - b.streamId)
  }

  private metric(of: (batch: BatchInfo) => number | undefined): Distribution.Distribution | undefined {
    const values: Array<number> = []
    for (const batch of this.completed) {
      const value = of(batch)
      if (value !== undefined) values.push(value)
    }
    return Distribution.of(values)
  }
}

/**
 * A listener for a context's batches, keeping `spark.streaming.ui.retainedBatches`
 * completed batches (default 1000); a value that is not a positive integer
 * is an `InvalidStreamError` naming the key.
 *
 * Mirrors `new StreamingJobProgressListener(ssc)`.
 *
 * **Example**
 * ```ts
 * const progress = StreamingJobProgressListener.make(ssc.sparkContext.conf, ssc.batchDurationMs)
 * if (!(progress instanceof InvalidStreamError)) yield* ssc.addStreamingListener(progress)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (
  conf: SparkConf.SparkConf,
  batchDurationMs: number
): StreamingJobProgressListener | InvalidStreamError => {
  const retained = SparkConf.getInt(conf, RETAINED_BATCHES_KEY, 1000, 1)
  if (typeof retained !== "number") {
    return new InvalidStreamError({
      stream: "StreamingJobProgressListener",
      message: `${retained.message}; set the number of completed batches to keep`
    })
  }
  return new StreamingJobProgressListener(batchDurationMs, retained)
}
