// The last N successful tasks' metrics of one stage attempt, column by
// column in typed arrays used as rings: a task end costs one write per
// column, never a shift of the whole sample, and memory is fixed by N
// (spark.ui.retainedTasks) however many tasks the stage runs. The summary
// quantiles of the Stages page are taken from these samples.
import type { TaskMetrics } from "../../executor/TaskMetrics.js"
import * as Distribution from "../../util/Distribution.js"

/** The metrics sampled per task, in Spark's TaskMetricDistributions order. */
export const METRIC_COLUMNS = [
  "duration",
  "executorDeserializeTime",
  "executorRunTime",
  "resultSize",
  "memoryBytesSpilled",
  "diskBytesSpilled",
  "inputBytes",
  "inputRecords",
  "shuffleReadBytes",
  "shuffleReadRecords",
  "shuffleFetchWaitTime",
  "shuffleWriteBytes",
  "shuffleWriteRecords",
  "shuffleWriteTime"
] as const

export type MetricColumn = (typeof METRIC_COLUMNS)[number]

/** One value per sampled metric. */
export type MetricValues = { readonly [K in MetricColumn]: number }

/** A task's sampled values: its duration and its metrics (0 where it has none). */
export const metricValues = (duration: number, m: TaskMetrics | undefined): MetricValues => ({
  duration,
  executorDeserializeTime: m?.executorDeserializeTime ?? 0,
  executorRunTime: m?.executorRunTime ?? 0,
  resultSize: m?.resultSize ?? 0,
  memoryBytesSpilled: m?.memoryBytesSpilled ?? 0,
  diskBytesSpilled: m?.diskBytesSpilled ?? 0,
  inputBytes: m?.inputMetrics.bytesRead ?? 0,
  inputRecords: m?.inputMetrics.recordsRead ?? 0,
  shuffleReadBytes: (m?.shuffleReadMetrics.localBytesRead ?? 0) + (m?.shuffleReadMetrics.remoteBytesRead ?? 0),
  shuffleReadRecords: m?.shuffleReadMetrics.recordsRead ?? 0,
  shuffleFetchWaitTime: m?.shuffleReadMetrics.fetchWaitTime ?? 0,
  shuffleWriteBytes: m?.shuffleWriteMetrics.bytesWritten ?? 0,
  shuffleWriteRecords: m?.shuffleWriteMetrics.recordsWritten ?? 0,
  shuffleWriteTime: m?.shuffleWriteMetrics.writeTime ?? 0
})

/** Quantiles of each sampled metric over the kept tasks. */
export type MetricDistributions = { readonly count: number } & { readonly [K in MetricColumn]: Distribution.Distribution }

/** The samples of one stage attempt: at most `capacity` tasks, the latest ones. */
export class TaskMetricSamples {
  private columns: Array<Float64Array>
  private size = 0
  private next = 0

  constructor(readonly capacity: number) {
    // Start small and grow to the capacity: most stages have a few tasks.
    this.columns = METRIC_COLUMNS.map(() => new Float64Array(Math.min(capacity, 16)))
  }

  /** How many tasks are sampled. */
  get count(): number {
    return this.size
  }

  add(values: MetricValues): void {
    const length = this.columns[0]!.length
    if (this.size === length && length < this.capacity) {
      const grown = Math.min(this.capacity, length * 2)
      this.columns = this.columns.map((column) => {
        const bigger = new Float64Array(grown)
        bigger.set(column)
        return bigger
      })
    }
    const at = this.size < this.capacity ? this.size : this.next
    METRIC_COLUMNS.forEach((name, i) => {
      this.columns[i]![at] = values[name]
    })
    if (this.size < this.capacity) this.size++
    else this.next = (this.next + 1) % this.capacity
  }

  /** The sampled values of one metric, oldest first. */
  values(column: MetricColumn): Array<number> {
    const data = this.columns[METRIC_COLUMNS.indexOf(column)]!
    const out: Array<number> = []
    if (this.size < this.capacity) {
      for (let i = 0; i < this.size; i++) out.push(data[i]!)
    } else {
      for (let i = 0; i < this.size; i++) out.push(data[(this.next + i) % this.capacity]!)
    }
    return out
  }

  /** Quantiles of every metric, or `undefined` before any task. */
  distributions(): MetricDistributions | undefined {
    if (this.size === 0) return undefined
    const out: Record<string, unknown> = { count: this.size }
    for (const name of METRIC_COLUMNS) out[name] = Distribution.of(this.values(name))
    return out as MetricDistributions
  }
}
