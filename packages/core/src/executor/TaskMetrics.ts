/**
 * What one task attempt measured about itself on its executor: its run and
 * deserialize times, the size of its result, the input it read, the shuffle
 * data it read and wrote, and what it spilled. A task fills a
 * `TaskMetricsCollector` (its `TaskContext.taskMetrics`) as it runs, on every
 * backend alike (in this process, in a worker thread, in another process); its
 * snapshot travels back with the task's status and is posted in `TaskEnd`.
 *
 * Mirrors `org.apache.spark.executor.TaskMetrics`, `InputMetrics`,
 * `ShuffleReadMetrics` and `ShuffleWriteMetrics`.
 *
 * @since 0.1.0
 */

/**
 * What a task read from outside the engine's own shuffle. Counted where an RDD
 * reads a source: a text file's split (its bytes and lines), a block of
 * received records (`BlockRDD`: its records, and its bytes when held
 * serialized, else the block's stored size) and a direct stream's records
 * (`DataSourceRDD`). Cached partitions read back are not counted.
 *
 * Mirrors `org.apache.spark.executor.InputMetrics`.
 *
 * @category models
 * @since 0.1.0
 */
export interface InputMetrics {
  readonly bytesRead: number
  readonly recordsRead: number
}

/**
 * What a reduce task fetched of map outputs. Local bytes are the blocks'
 * sizes in this executor's block manager (estimated in-memory size, or bytes
 * on disk); remote bytes are the serialized bytes fetched from other
 * executors. `fetchWaitTime` (ms) is how long the task waited for remote
 * blocks before it started: executors fetch a task's remote blocks first.
 *
 * Mirrors `org.apache.spark.executor.ShuffleReadMetrics`.
 *
 * @category models
 * @since 0.1.0
 */
export interface ShuffleReadMetrics {
  readonly remoteBlocksFetched: number
  readonly localBlocksFetched: number
  readonly fetchWaitTime: number
  readonly remoteBytesRead: number
  readonly localBytesRead: number
  readonly recordsRead: number
}

/**
 * What a map task wrote: the records of its shuffle blocks, their size as
 * stored (estimated in-memory size, or bytes on disk) and the time (ms) spent
 * partitioning, combining and storing them.
 *
 * Mirrors `org.apache.spark.executor.ShuffleWriteMetrics`.
 *
 * @category models
 * @since 0.1.0
 */
export interface ShuffleWriteMetrics {
  readonly bytesWritten: number
  readonly writeTime: number
  readonly recordsWritten: number
}

/**
 * A task attempt's metrics. Times are milliseconds (fractional: tasks here
 * are often sub-millisecond), measured on the clock of the executor's
 * services (a test clock in tests, so 0 there):
 * - `executorDeserializeTime`: decoding the task (its plan and functions)
 *   before it ran; 0 in this process, where tasks are not shipped.
 * - `executorRunTime`: running the task itself (computing the partition and
 *   writing its shuffle output or making its result), waits for fetches excluded.
 * - `resultSize`: the estimated size in bytes of the value a result task
 *   returns (or of a map task's map status), by the sampling estimator that
 *   sizes cached blocks, on every backend alike.
 * - `memoryBytesSpilled` / `diskBytesSpilled`: shuffle output that did not fit
 *   in memory and went to disk: its estimated in-memory size and its bytes on disk.
 *
 * Mirrors `org.apache.spark.executor.TaskMetrics`.
 *
 * **Example**
 * ```ts
 * sc.addSparkListener({ onTaskEnd: (e) => console.log(e.taskMetrics?.executorRunTime) })
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface TaskMetrics {
  readonly executorDeserializeTime: number
  readonly executorRunTime: number
  readonly resultSize: number
  readonly memoryBytesSpilled: number
  readonly diskBytesSpilled: number
  readonly inputMetrics: InputMetrics
  readonly shuffleReadMetrics: ShuffleReadMetrics
  readonly shuffleWriteMetrics: ShuffleWriteMetrics
}

/**
 * The metrics a running task adds to: plain counters, incremented once per
 * block or partition (never per record), then frozen with `snapshot`.
 *
 * Mirrors the mutable `org.apache.spark.executor.TaskMetrics` of a running task.
 *
 * **Example**
 * ```ts
 * const metrics = new TaskMetrics.TaskMetricsCollector()
 * metrics.incRecordsRead(3)
 * metrics.snapshot().inputMetrics.recordsRead // 3
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class TaskMetricsCollector {
  executorDeserializeTime = 0
  executorRunTime = 0
  resultSize = 0
  memoryBytesSpilled = 0
  diskBytesSpilled = 0
  bytesRead = 0
  recordsRead = 0
  remoteBlocksFetched = 0
  localBlocksFetched = 0
  fetchWaitTime = 0
  remoteBytesRead = 0
  localBytesRead = 0
  shuffleRecordsRead = 0
  shuffleBytesWritten = 0
  shuffleWriteTime = 0
  shuffleRecordsWritten = 0

  /** Input read from a source: `records` records of `bytes` bytes (0 when unknown). */
  incRecordsRead(records: number, bytes = 0): void {
    this.recordsRead += records
    this.bytesRead += bytes
  }

  /** One shuffle block fetched, here (`remote` false) or from another executor. */
  incShuffleBlockRead(remote: boolean, bytes: number, records: number): void {
    if (remote) {
      this.remoteBlocksFetched++
      this.remoteBytesRead += bytes
    } else {
      this.localBlocksFetched++
      this.localBytesRead += bytes
    }
    this.shuffleRecordsRead += records
  }

  /** The frozen metrics, as `TaskEnd` carries them. */
  snapshot(): TaskMetrics {
    return {
      executorDeserializeTime: this.executorDeserializeTime,
      executorRunTime: this.executorRunTime,
      resultSize: this.resultSize,
      memoryBytesSpilled: this.memoryBytesSpilled,
      diskBytesSpilled: this.diskBytesSpilled,
      inputMetrics: { bytesRead: this.bytesRead, recordsRead: this.recordsRead },
      shuffleReadMetrics: {
        remoteBlocksFetched: this.remoteBlocksFetched,
        localBlocksFetched: this.localBlocksFetched,
        fetchWaitTime: this.fetchWaitTime,
        remoteBytesRead: this.remoteBytesRead,
        localBytesRead: this.localBytesRead,
        recordsRead: this.shuffleRecordsRead
      },
      shuffleWriteMetrics: {
        bytesWritten: this.shuffleBytesWritten,
        writeTime: this.shuffleWriteTime,
        recordsWritten: this.shuffleRecordsWritten
      }
    }
  }
}

/**
 * Metrics of nothing measured: every figure 0.
 *
 * Mirrors `TaskMetrics.empty`.
 *
 * **Example**
 * ```ts
 * TaskMetrics.empty.executorRunTime // 0
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const empty: TaskMetrics = new TaskMetricsCollector().snapshot()
