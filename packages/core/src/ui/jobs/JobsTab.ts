/**
 * The Jobs tab: every kept job, active, completed and failed, with its
 * status, duration, stages and a task progress bar; and a job's page with
 * its summary, the DAG of its stages, and its stages' table.
 *
 * Mirrors `org.apache.spark.ui.jobs.JobsTab`, `AllJobsPage` and `JobPage`.
 *
 * @since 0.1.0
 */
import type { StageInfo } from "../../scheduler/SparkListener.js"
import type { JobData } from "../../status/AppStatusListener.js"
import { type Html, html } from "../html.js"
import * as RDDOperationGraph from "../scope/RDDOperationGraph.js"
import type { SparkUIStores } from "../SparkUI.js"
import * as UIUtils from "../UIUtils.js"
import { type PageContent, parseId, textResponse, type UIRequest, type UIResponse, type WebUITab } from "../WebUI.js"
import { killForm, stageTable } from "./stageTable.js"

const jobTable = (id: string, jobs: ReadonlyArray<JobData>, now: number, killEnabled: boolean): Html =>
  UIUtils.table(
    id,
    ["Job Id", "Description", "Submitted", "Duration", "Stages: Succeeded/Total", "Tasks (for all stages): Succeeded/Total", "Status"],
    jobs.map((job) =>
      html`<tr data-job-id="${job.jobId}" data-status="${job.status}"><td>${job.jobId}${
        job.jobGroup === undefined ? "" : ` (${job.jobGroup})`
      }</td><td><a href="/jobs/job/?id=${job.jobId}">${job.description ?? job.name}</a>${
        job.description === undefined ? "" : html`<div class="sub">${job.name}</div>`
      }${killEnabled && job.status === "RUNNING" ? killForm(`/jobs/job/kill/?id=${job.jobId}`) : ""}</td><td>${
        UIUtils.formatDate(job.submissionTime)
      }</td><td>${
        UIUtils.formatDuration((job.completionTime ?? now) - job.submissionTime)
      }</td><td data-skipped="${job.numSkippedStages}">${job.numCompletedStages}/${job.stageIds.length - job.numSkippedStages}${
        job.numFailedStages > 0 ? ` (${job.numFailedStages} failed)` : ""
      }${job.numSkippedStages > 0 ? ` (${job.numSkippedStages} skipped)` : ""}</td><td data-skipped="${job.numSkippedTasks}">${
        UIUtils.progressBar({
          completed: job.numCompletedTasks,
          active: job.numActiveTasks,
          failed: job.numFailedTasks,
          killed: job.numKilledTasks,
          total: job.numTasks - job.numSkippedTasks
        })
      }${job.numSkippedTasks > 0 ? html`<div class="sub">(${job.numSkippedTasks} skipped)</div>` : ""}</td><td>${job.status}${
        job.failureReason === undefined ? "" : html`<div class="failure">${job.failureReason}</div>`
      }</td></tr>`
    ),
    "No jobs."
  )

/** The job's stages that were never submitted, as Spark's job page lists them. */
const skippedTable = (infos: ReadonlyArray<StageInfo>): Html =>
  UIUtils.table(
    "skipped-stages",
    ["Stage Id", "Description", "Tasks"],
    infos.map((info) =>
      html`<tr data-stage-id="${info.stageId}" data-status="SKIPPED"><td>${info.stageId}</td><td>${info.name}</td><td>${info.numTasks}</td></tr>`
    ),
    "No skipped stages."
  )

const allJobsPage = (stores: SparkUIStores, killEnabled: boolean) => (_request: UIRequest, frame: UIUtils.PageFrame): PageContent => {
  const jobs = stores.appStatus.jobs()
  const app = stores.application()
  const now = frame.now
  const of = (status: JobData["status"]) => jobs.filter((j) => j.status === status)
  const [active, completed, failed] = [of("RUNNING"), of("SUCCEEDED"), of("FAILED")]
  return {
    title: "Spark Jobs",
    content: html`<ul class="summary">
<li><strong>User:</strong> ${app.sparkUser}</li>
<li><strong>Started at:</strong> ${UIUtils.formatDate(app.startTime)}</li>
<li><strong>Active Jobs:</strong> <span id="num-active-jobs">${active.length}</span></li>
<li><strong>Completed Jobs:</strong> <span id="num-completed-jobs">${completed.length}</span></li>
<li><strong>Failed Jobs:</strong> <span id="num-failed-jobs">${failed.length}</span></li></ul>
<h2>Active Jobs (${active.length})</h2>${jobTable("active-jobs", active, now, killEnabled)}
<h2>Completed Jobs (${completed.length})</h2>${jobTable("completed-jobs", completed, now, false)}
<h2>Failed Jobs (${failed.length})</h2>${jobTable("failed-jobs", failed, now, false)}`
  }
}

const jobPage =
  (stores: SparkUIStores, killEnabled: boolean) => (request: UIRequest, frame: UIUtils.PageFrame): PageContent | UIResponse => {
    const raw = request.query.get("id")
    const jobId = parseId(raw)
    if (jobId === undefined) return textResponse(400, `Missing or invalid id parameter: ${raw ?? ""}`)
    const store = stores.appStatus
    const job = store.job(jobId)
    if (job === undefined) return textResponse(404, `No job with id ${jobId} is kept (it may have been dropped by spark.ui.retainedJobs)`)
    const now = frame.now
    const stages = job.stageIds.flatMap((id) => store.stages().filter((s) => s.stageId === id))
    // A stage never submitted while the job ran is drawn from its StageInfo: skipped once the job ended, pending before.
    const infos = store.jobStageInfos(jobId)
    const unsubmitted = job.status === "RUNNING" ? "PENDING" : "SKIPPED"
    const skipped = job.status === "RUNNING" ? [] : (infos ?? []).filter((s) => !s.submitted).map((s) => s.info)
    const clusters = job.stageIds.map((id) => {
      const kept = store.stage(id)
      const known = infos?.find((s) => s.info.stageId === id)
      if (known !== undefined && (!known.submitted || kept === undefined)) {
        return RDDOperationGraph.clusterOfInfo(known.info, known.submitted ? "COMPLETE" : unsubmitted)
      }
      return kept !== undefined
        ? RDDOperationGraph.clusterOf(kept)
        : { stageId: id, name: `stage ${id}`, status: unsubmitted, parentIds: [], rdds: [] }
    })
    return {
      title: `Details for Job ${jobId}`,
      content: html`<ul class="summary" id="job-summary" data-job-id="${jobId}" data-status="${job.status}">
<li><strong>Status:</strong> ${job.status}</li>
<li><strong>Submitted:</strong> ${UIUtils.formatDate(job.submissionTime)}</li>
<li><strong>Duration:</strong> ${UIUtils.formatDuration((job.completionTime ?? now) - job.submissionTime)}</li>
${job.jobGroup === undefined ? "" : html`<li><strong>Job Group:</strong> ${job.jobGroup}</li>`}
${job.description === undefined ? "" : html`<li><strong>Description:</strong> ${job.description}</li>`}
${job.failureReason === undefined ? "" : html`<li><strong>Failure:</strong> <span class="failure">${job.failureReason}</span></li>`}
</ul>${killEnabled && job.status === "RUNNING" ? killForm(`/jobs/job/kill/?id=${jobId}`) : ""}
<h2>DAG Visualization</h2>${RDDOperationGraph.render(clusters)}
<h2>Stages (${stages.length})</h2>${stageTable("job-stages", stages, now, killEnabled)}
<h2>Skipped Stages (${skipped.length})</h2>${skippedTable(skipped)}`
    }
  }

/**
 * The Jobs tab over the stores (kill links when `killEnabled`).
 *
 * Mirrors `org.apache.spark.ui.jobs.JobsTab`.
 *
 * **Example**
 * ```ts
 * ui.attachTab(JobsTab(stores, false))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const JobsTab = (stores: SparkUIStores, killEnabled: boolean): WebUITab => ({
  prefix: "jobs",
  name: "Jobs",
  pages: [{ prefix: "", render: allJobsPage(stores, killEnabled) }, { prefix: "job", render: jobPage(stores, killEnabled) }]
})
