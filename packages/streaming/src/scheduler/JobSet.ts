/**
 * The jobs of one batch.
 *
 * Mirrors `org.apache.spark.streaming.scheduler.JobSet`.
 *
 * @since 0.1.0
 */
import type { Job } from "./Job.js"
import type { StreamInputInfo } from "./StreamingListener.js"

/**
 * The jobs of one batch, with what each input stream contributed to it.
 *
 * Mirrors `org.apache.spark.streaming.scheduler.JobSet`.
 *
 * **Example**
 * ```ts
 * const jobSet: JobSet.JobSet = { time: 1000, jobs: graph.generateJobs(1000), inputInfos: new Map() }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface JobSet {
  readonly time: number
  readonly jobs: ReadonlyArray<Job>
  readonly inputInfos: ReadonlyMap<number, StreamInputInfo>
}
