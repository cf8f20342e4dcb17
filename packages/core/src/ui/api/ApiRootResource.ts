/**
 * The REST API under `/api/v1`, in Spark's shapes and field names: the
 * application (`applications`, `applications/{id}`), its jobs, stages (with
 * `taskSummary`: Spark's `TaskMetricDistributions` at `?quantiles=`, default
 * 0.05,0.25,0.5,0.75,0.95), executors, cached RDDs (`storage/rdd`,
 * `storage/rdd/{id}` with its partitions) and environment, and the
 * endpoints attached tabs add (`applications/{id}/streaming/...`). Dates are
 * written as Spark writes them (`2026-12-01T13:04:05.120GMT`); an unknown
 * path or id answers 404 with `{ "message": ... }`, a bad parameter 400.
 *
 * Mirrors `org.apache.spark.status.api.v1.ApiRootResource` and `OneApplicationResource`.
 *
 * @since 0.1.0
 */
import * as shapes from "../../internal/ui/apiShapes.js"
import type { SparkUI } from "../SparkUI.js"
import { type ApiResult, badRequest, notFound, ok, parseId } from "../WebUI.js"

const DEFAULT_QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95]

/** `?status=a&status=b` (case-insensitive) as a filter; none given keeps all. */
const statusFilter = (query: URLSearchParams) => {
  const wanted = query.getAll("status").map((s) => s.toUpperCase())
  return (status: string) => wanted.length === 0 || wanted.includes(status)
}

const taskSummary = (ui: SparkUI, stageId: number, attemptId: number, query: URLSearchParams): ApiResult => {
  const stage = ui.stores.appStatus.stage(stageId, attemptId)
  if (stage === undefined) return notFound(`unknown attempt for stage ${stageId}.  Found attempts: []`)
  const raw = query.get("quantiles")
  const quantiles = raw === null ? DEFAULT_QUANTILES : raw.split(",").map((q) => Number(q.trim()))
  if (quantiles.some((q) => raw === "" || !Number.isFinite(q) || q < 0 || q > 1)) {
    return badRequest(`quantiles must be a comma-separated list of numbers in [0, 1], got "${raw}"`)
  }
  const samples = ui.stores.appStatus.taskMetricSamples(stageId, attemptId)
  if (samples === undefined || samples.count === 0) return notFound(`No tasks reported metrics for ${stageId} / ${attemptId} yet.`)
  return ok(shapes.taskMetricDistributionsJson(samples, quantiles))
}

const stages = (ui: SparkUI, rest: ReadonlyArray<string>, query: URLSearchParams): ApiResult => {
  const store = ui.stores.appStatus
  if (rest.length === 0) {
    const keep = statusFilter(query)
    return ok(store.stages().filter((s) => keep(s.status)).map(shapes.stageJson))
  }
  const stageId = parseId(rest[0])
  if (stageId === undefined) return notFound(`unknown stage: ${rest[0]}`)
  const attempts = store.stages().filter((s) => s.stageId === stageId).sort((a, b) => a.attemptId - b.attemptId)
  if (rest.length === 1) return attempts.length === 0 ? notFound(`unknown stage: ${stageId}`) : ok(attempts.map(shapes.stageJson))
  const attemptId = parseId(rest[1])
  const attempt = attemptId === undefined ? undefined : store.stage(stageId, attemptId)
  if (attemptId === undefined || (attempt === undefined && rest.length === 2)) {
    return notFound(`unknown attempt for stage ${stageId}.  Found attempts: [${attempts.map((a) => a.attemptId).join(",")}]`)
  }
  if (rest.length === 2) return ok(shapes.stageJson(attempt!))
  if (rest.length === 3 && rest[2] === "taskSummary") return taskSummary(ui, stageId, attemptId, query)
  return notFound(`unknown path: stages/${rest.join("/")}`)
}

const oneApplication = (ui: SparkUI, rest: ReadonlyArray<string>, query: URLSearchParams): ApiResult => {
  const store = ui.stores.appStatus
  const [resource = "", ...more] = rest
  switch (resource) {
    case "jobs": {
      if (more.length === 0) {
        const keep = statusFilter(query)
        return ok(store.jobs().filter((j) => keep(j.status)).map((j) => shapes.jobJson(j, store)))
      }
      const jobId = parseId(more[0])
      const job = jobId === undefined ? undefined : store.job(jobId)
      if (more.length > 1) break
      return job === undefined ? notFound(`unknown job: ${more[0]}`) : ok(shapes.jobJson(job, store))
    }
    case "stages":
      return stages(ui, more, query)
    case "executors":
    case "allexecutors": {
      if (more.length > 0) break
      const executors = store.executors().filter((e) => resource === "allexecutors" || e.isActive)
      return ok(executors.map(shapes.executorJson))
    }
    case "storage": {
      if (more[0] !== "rdd" || more.length > 2) break
      if (more.length === 1) return ok(store.rddStorage().map((rdd) => shapes.rddStorageJson(rdd, false)))
      const rddId = parseId(more[1])
      const rdd = rddId === undefined ? undefined : store.rdd(rddId)
      // As Spark, an RDD with no cached partition is not found.
      return rdd === undefined || rdd.numCachedPartitions === 0
        ? notFound(`no rdd found w/ id ${more[1]}`)
        : ok(shapes.rddStorageJson(rdd, true))
    }
    case "environment":
      if (more.length > 0) break
      return ok(shapes.environmentJson(ui.stores.environment()))
    default: {
      const tab = ui.tabs.find((t) => t.api?.prefix === resource)
      if (tab?.api !== undefined) return tab.api.handle(more, query)
    }
  }
  return notFound(`unknown path: applications/${ui.stores.application().id}/${rest.join("/")}`)
}

/**
 * Answers a request under `/api/v1`: `segments` is the path after it, split on `/`.
 *
 * Mirrors `ApiRootResource` (its `applications` and `version` resources) and `OneApplicationResource`.
 *
 * **Example**
 * ```ts
 * ApiRootResource.handleApi(ui, ["applications", sc.applicationId, "jobs"], new URLSearchParams())
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const handleApi = (ui: SparkUI, segments: ReadonlyArray<string>, query: URLSearchParams): ApiResult => {
  const app = ui.stores.application()
  const [root = "", appId, ...rest] = segments
  if (root === "version" && segments.length === 1) return ok({ spark: app.appSparkVersion })
  if (root !== "applications") return notFound(`unknown path: ${segments.join("/")}`)
  const now = ui.now()
  if (appId === undefined) return ok([shapes.applicationJson(app, now)])
  if (appId !== app.id) return notFound(`unknown app: ${appId}`)
  if (rest.length === 0) return ok(shapes.applicationJson(app, now))
  return oneApplication(ui, rest, query)
}
