// Each kept job's stages as its start event named them (Spark's
// LiveJob.stageIds with the StageInfos its DAG is drawn from), and which of
// them were submitted while it ran: a stage never submitted was skipped
// (its shuffle output was already there), as Spark's onJobEnd counts it.
// Bounded with the jobs: the status store forgets a job's entry when it
// trims the job.
import type { StageInfo } from "../../scheduler/SparkListener.js"

interface JobStageEntry {
  readonly infos: ReadonlyArray<StageInfo>
  readonly submitted: Set<number>
}

export class JobStages {
  private readonly jobs = new Map<number, JobStageEntry>()

  onJobStart(jobId: number, infos: ReadonlyArray<StageInfo>): void {
    this.jobs.set(jobId, { infos, submitted: new Set() })
  }

  /** A stage was submitted while these jobs ran. */
  onStageSubmitted(stageId: number, jobIds: Iterable<number>): void {
    for (const jobId of jobIds) this.jobs.get(jobId)?.submitted.add(stageId)
  }

  /** The job's stages never submitted, once it ended: its skipped stages and their tasks. */
  skipped(jobId: number): { readonly stages: number; readonly tasks: number } {
    const entry = this.jobs.get(jobId)
    let stages = 0
    let tasks = 0
    for (const info of entry?.infos ?? []) {
      if (entry!.submitted.has(info.stageId)) continue
      stages++
      tasks += info.numTasks
    }
    return { stages, tasks }
  }

  /** The StageInfos of a kept job, and whether each stage was submitted while it ran. */
  stagesOf(jobId: number): ReadonlyArray<{ readonly info: StageInfo; readonly submitted: boolean }> | undefined {
    const entry = this.jobs.get(jobId)
    return entry?.infos.map((info) => ({ info, submitted: entry.submitted.has(info.stageId) }))
  }

  /** Forgets a job the store no longer keeps. */
  forget(jobId: number): void {
    this.jobs.delete(jobId)
  }

  get size(): number {
    return this.jobs.size
  }
}
