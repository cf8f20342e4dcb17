/**
 * The web UI over real sockets: every REST endpoint's JSON against the
 * listener events of the same run, the pages (a job's DAG with a stage per
 * shuffle plus one), escaping of user strings, the port search, the
 * settings' validation, read-only methods and the kill switch.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Logger } from "effect"
import * as http from "node:http"
import type { SparkListenerEvent } from "../../src/scheduler/SparkListener.js"
import * as SparkContext from "../../src/SparkContext.js"
import { InvalidArgumentError } from "../../src/SparkError.js"

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the REST answers are read field by field, as a client would
type Json = any
type Event<T extends SparkListenerEvent["_tag"]> = Extract<SparkListenerEvent, { _tag: T }>

const get = (url: string, init?: RequestInit) =>
  Effect.promise(async () => {
    const response = await fetch(url, init)
    return {
      status: response.status,
      type: response.headers.get("content-type") ?? "",
      text: await response.text(),
      headers: response.headers
    }
  })
const getJson = (url: string) => Effect.map(get(url), (r) => ({ ...r, json: JSON.parse(r.text) as Json }))

const uiConf = (extra: Record<string, string | number | boolean> = {}) => ({ "spark.ui.enabled": true, "spark.ui.port": 0, ...extra })

/** A context with its UI on an ephemeral port, recording the listener events it posts. */
const contextWithUI = (options: SparkContext.SparkContextOptions & { readonly conf?: Record<string, string | number | boolean> } = {}) =>
  Effect.gen(function*() {
    const sc = yield* SparkContext.make({ master: "local[2]", ...options, conf: uiConf(options.conf) })
    const events: Array<SparkListenerEvent> = []
    sc.addSparkListener({
      onJobStart: (e) => void events.push(e),
      onJobEnd: (e) => void events.push(e),
      onStageSubmitted: (e) => void events.push(e),
      onStageCompleted: (e) => void events.push(e),
      onTaskEnd: (e) => void events.push(e)
    })
    const url = sc.uiWebUrl
    assert.isDefined(url)
    return { sc, events, url: url!, api: `${url!}/api/v1/applications/${sc.applicationId}` }
  })

/** Two shuffles: three stages. */
const twoShuffles = (sc: SparkContext.SparkContext) =>
  sc.parallelize(["a b", "b c", "c a", "a a"], 2)
    .flatMap((line) => line.split(" "))
    .map((w) => [w, 1] as const)
    .reduceByKey((a, b) => a + b)
    .map(([w, n]) => [n, w] as const)
    .groupByKey()
    .collect()

describe("SparkUI", () => {
  it.live("REST: applications, jobs, stages, taskSummary, executors, environment answer what the listener events said", () =>
    Effect.scoped(Effect.gen(function*() {
      const { api, events, sc, url } = yield* contextWithUI({ appName: "rest-check", conf: { "spark.my.secret": "hidden" } })
      yield* twoShuffles(sc)
      yield* Effect.flip(
        sc.parallelize([1, 2], 1).map((x): number => {
          if (x === 2) throw new Error("bad record")
          return x
        }).collect()
      )
      yield* sc.waitForListeners()

      const apps = yield* getJson(`${url}/api/v1/applications`)
      assert.strictEqual(apps.status, 200)
      assert.match(apps.type, /application\/json/)
      assert.deepStrictEqual(apps.json.map((a: Json) => [a.id, a.name]), [[sc.applicationId, "rest-check"]])
      const attempt = apps.json[0].attempts[0]
      assert.strictEqual(attempt.startTime, new Date(sc.startTime).toISOString().replace("Z", "GMT"))
      assert.strictEqual(attempt.completed, false)

      const jobStarts = events.filter((e): e is Event<"JobStart"> => e._tag === "JobStart")
      const jobEnds = events.filter((e): e is Event<"JobEnd"> => e._tag === "JobEnd")
      const jobs = (yield* getJson(`${api}/jobs`)).json
      assert.deepStrictEqual(jobs.map((j: Json) => j.jobId), jobStarts.map((e) => e.jobId).sort((a, b) => b - a))
      for (const end of jobEnds) {
        const job = jobs.find((j: Json) => j.jobId === end.jobId)
        assert.strictEqual(job.status, end.result === "JobSucceeded" ? "SUCCEEDED" : "FAILED")
        assert.strictEqual(job.completionTime, new Date(end.time).toISOString().replace("Z", "GMT"))
        const start = jobStarts.find((e) => e.jobId === end.jobId)!
        assert.deepStrictEqual(job.stageIds, start.stageInfos.map((s) => s.stageId))
        const taskEnds = events.filter((e): e is Event<"TaskEnd"> =>
          e._tag === "TaskEnd" && start.stageInfos.some((s) => s.stageId === e.stageId)
        )
        assert.strictEqual(job.numCompletedTasks, taskEnds.filter((e) => e.reason._tag === "Success").length)
        assert.strictEqual(job.numFailedTasks, taskEnds.filter((e) => e.reason._tag !== "Success" && e.reason._tag !== "TaskKilled").length)
      }
      const firstJob = jobStarts[0]!.jobId
      const one = yield* getJson(`${api}/jobs/${firstJob}`)
      assert.deepStrictEqual(one.json, jobs.find((j: Json) => j.jobId === firstJob))
      assert.deepStrictEqual((yield* getJson(`${api}/jobs?status=failed`)).json.map((j: Json) => j.status), ["FAILED"])

      const completed = events.filter((e): e is Event<"StageCompleted"> => e._tag === "StageCompleted")
      const stages = (yield* getJson(`${api}/stages`)).json
      assert.strictEqual(stages.length, completed.length)
      for (const event of completed) {
        const stage = stages.find((s: Json) => s.stageId === event.stageInfo.stageId && s.attemptId === event.stageInfo.attemptNumber)
        assert.strictEqual(stage.status, event.stageInfo.failureReason === undefined ? "COMPLETE" : "FAILED")
        assert.deepStrictEqual(stage.rddIds, event.stageInfo.rddIds)
        assert.strictEqual(stage.numTasks, event.stageInfo.numTasks)
      }
      const stage0 = completed[0]!.stageInfo
      assert.deepStrictEqual((yield* getJson(`${api}/stages/${stage0.stageId}`)).json.map((s: Json) => s.attemptId), [0])
      assert.strictEqual((yield* getJson(`${api}/stages/${stage0.stageId}/0`)).json.stageId, stage0.stageId)
      const durations = events.filter((e): e is Event<"TaskEnd"> =>
        e._tag === "TaskEnd" && e.stageId === stage0.stageId && e.reason._tag === "Success"
      ).map((e) => e.finishTime - e.taskInfo.launchTime).sort((a, b) => a - b)
      const summary = (yield* getJson(`${api}/stages/${stage0.stageId}/0/taskSummary?quantiles=0,1`)).json
      assert.deepStrictEqual(summary.quantiles, [0, 1])
      assert.deepStrictEqual(summary.duration, [durations[0], durations[durations.length - 1]])

      const executors = (yield* getJson(`${api}/executors`)).json
      assert.deepStrictEqual(executors.map((e: Json) => e.id), sc.statusStore.executors().filter((e) => e.isActive).map((e) => e.id))
      assert.isArray((yield* getJson(`${api}/allexecutors`)).json)
      assert.deepStrictEqual((yield* getJson(`${api}/storage/rdd`)).json, [])
      const env = (yield* getJson(`${api}/environment`)).json
      const props = new Map<string, string>(env.sparkProperties)
      assert.strictEqual(props.get("spark.app.name"), "rest-check")
      assert.strictEqual(props.get("spark.my.secret"), "*********(redacted)")
    })))

  it.live("REST: unknown paths and ids answer 404 with a JSON message, bad parameters 400", () =>
    Effect.scoped(Effect.gen(function*() {
      const { api, sc, url } = yield* contextWithUI()
      yield* sc.parallelize([1], 1).count()
      yield* sc.waitForListeners()
      const cases: ReadonlyArray<readonly [string, number, RegExp]> = [
        [`${url}/api/v1/nothing`, 404, /unknown path/],
        [`${url}/api/v1/applications/other-app/jobs`, 404, /unknown app: other-app/],
        [`${api}/jobs/99`, 404, /unknown job: 99/],
        [`${api}/jobs/x`, 404, /unknown job: x/],
        [`${api}/stages/77`, 404, /unknown stage: 77/],
        [`${api}/stages/0/5`, 404, /unknown attempt for stage 0/],
        [`${api}/stages/0/0/taskSummary?quantiles=2`, 400, /quantiles/],
        [`${api}/streaming/statistics`, 404, /unknown path/]
      ]
      for (const [target, status, message] of cases) {
        const response = yield* getJson(target)
        assert.strictEqual(response.status, status, target)
        assert.match(response.json.message, message, target)
      }
    })))

  it.live("pages: jobs, a job's DAG (three stages for two shuffles), stages, a stage's summary, storage, environment, executors", () =>
    Effect.scoped(Effect.gen(function*() {
      const { sc, url } = yield* contextWithUI()
      yield* twoShuffles(sc)
      yield* sc.waitForListeners()
      const jobs = yield* get(`${url}/jobs/`)
      assert.strictEqual(jobs.status, 200)
      assert.match(jobs.text, /<table class="table" id="completed-jobs" data-rows="1">/)
      const job = yield* get(`${url}/jobs/job/?id=0`)
      assert.match(job.text, /<svg class="dag" id="dag" data-stages="3"/)
      assert.strictEqual(job.text.match(/class="stage-cluster /g)?.length, 3)
      assert.strictEqual(job.text.match(/class="stage-edge"/g)?.length, 2)
      assert.match(job.text, /id="job-stages" data-rows="3"/)
      const stages = yield* get(`${url}/stages/`)
      assert.match(stages.text, /id="completed-stages" data-rows="3"/)
      const stage = yield* get(`${url}/stages/stage/?id=2&attempt=0`)
      // Duration, deserialization, run time, result size, and the shuffle it reads (blocked time, size / records).
      assert.match(stage.text, /id="task-summary" data-rows="6"/)
      assert.match(stage.text, /data-metric="shuffleRead"/)
      // The stage and the stage whose shuffle it reads.
      assert.match(stage.text, /data-stages="2"/)
      for (const tab of ["storage", "environment", "executors"]) assert.strictEqual((yield* get(`${url}/${tab}/`)).status, 200, tab)
      assert.strictEqual((yield* get(`${url}/jobs/job/?id=abc`)).status, 400)
      assert.strictEqual((yield* get(`${url}/jobs/job/?id=42`)).status, 404)
      assert.strictEqual((yield* get(`${url}/nowhere/`)).status, 404)
      const fragment = yield* get(`${url}/jobs/?fragment=content`)
      assert.notMatch(fragment.text, /<html/)
      assert.match(fragment.text, /id="completed-jobs"/)
      const root = yield* get(`${url}/`, { redirect: "manual" })
      assert.strictEqual(root.status, 302)
      assert.strictEqual(root.headers.get("location"), "/jobs/")
    })))

  it.live("static files: uPlot and the page script are served from the package (no CDN)", () =>
    Effect.scoped(Effect.gen(function*() {
      const { url } = yield* contextWithUI()
      const uplot = yield* get(`${url}/static/uplot.iife.min.js`)
      assert.strictEqual(uplot.status, 200)
      assert.match(uplot.type, /javascript/)
      assert.include(uplot.text, "uPlot")
      assert.strictEqual((yield* get(`${url}/static/uplot.min.css`)).status, 200)
      assert.strictEqual((yield* get(`${url}/static/tspark-ui.js`)).status, 200)
      assert.strictEqual((yield* get(`${url}/static/../package.json`)).status, 404)
      const page = yield* get(`${url}/jobs/`)
      assert.notMatch(page.text, /https?:\/\/(?!127\.0\.0\.1)/)
    })))

  it.live("an app name, a job description and an error message with <script> are shown as text", () =>
    Effect.scoped(Effect.gen(function*() {
      const evil = "<script>alert(1)</script>"
      const { sc, url } = yield* contextWithUI({ appName: evil })
      yield* Effect.flip(
        SparkContext.withLocalProperty("spark.job.description", evil)(
          sc.parallelize([1], 1).map((): number => {
            throw new Error(evil)
          }).collect()
        )
      )
      yield* sc.waitForListeners()
      for (const path of ["/jobs/", "/jobs/job/?id=0", "/stages/", "/stages/stage/?id=0&attempt=0", "/environment/"]) {
        const page = yield* get(`${url}${path}`)
        assert.notInclude(page.text, evil, path)
        assert.include(page.text, "&lt;script&gt;alert(1)&lt;/script&gt;", path)
      }
    })))

  it.live("read-only: POST, PUT and DELETE answer 405 when kill is off; HEAD answers headers only", () =>
    Effect.scoped(Effect.gen(function*() {
      const { api, url } = yield* contextWithUI()
      for (const method of ["POST", "PUT", "DELETE"]) {
        const response = yield* get(`${url}/jobs/job/kill/?id=0`, { method })
        assert.strictEqual(response.status, 405, method)
        assert.strictEqual(response.headers.get("allow"), "GET, HEAD")
      }
      assert.strictEqual((yield* get(`${api}/jobs`, { method: "POST" })).status, 405)
      const head = yield* get(`${url}/jobs/`, { method: "HEAD" })
      assert.strictEqual(head.status, 200)
      assert.strictEqual(head.text, "")
    })))

  it.live("spark.ui.killEnabled: a POST to the kill link cancels the running job; with kill off it is 405", () =>
    Effect.scoped(Effect.gen(function*() {
      const { sc, url } = yield* contextWithUI({ master: "local[1]", conf: { "spark.ui.killEnabled": true } })
      const kill = { method: "POST", path: "/jobs/job/kill/", query: new URLSearchParams("id=0") }
      // The first task posts the kill while job 0 runs (as a user clicking its kill link).
      const error = yield* Effect.flip(
        sc.parallelize([1, 2, 3, 4], 4).map((x) => {
          if (x === 1) assert.strictEqual(sc.ui!.handle(kill).status, 302)
          return x
        }).collect()
      )
      assert.strictEqual(error._tag, "JobCancelledError")
      yield* sc.waitForListeners()
      assert.strictEqual(sc.statusStore.job(0)?.status, "FAILED")
      assert.strictEqual((yield* get(`${url}/jobs/job/kill/?id=abc`, { method: "POST" })).status, 400)
      const other = yield* contextWithUI()
      assert.strictEqual(other.sc.ui!.handle(kill).status, 405)
    })))

  it.live("the port counts up from spark.ui.port when it is taken; with no retries left it fails naming the settings", () =>
    Effect.scoped(Effect.gen(function*() {
      const holder = http.createServer()
      yield* Effect.acquireRelease(
        Effect.promise(() => new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve))),
        () => Effect.promise(() => new Promise<void>((resolve) => holder.close(() => resolve())))
      )
      const taken = (holder.address() as { port: number }).port
      const sc = yield* SparkContext.make({ master: "local[1]", conf: { "spark.ui.enabled": true, "spark.ui.port": taken } })
      const port = Number(new URL(sc.uiWebUrl!).port)
      assert.isAbove(port, taken)
      assert.isAtMost(port, taken + 16)
      const error = yield* Effect.flip(
        SparkContext.make({ master: "local[1]", conf: { "spark.ui.enabled": true, "spark.ui.port": taken, "spark.port.maxRetries": 0 } })
      )
      assert.instanceOf(error, InvalidArgumentError)
      assert.match(error.message, /spark\.ui\.port/)
    })))

  it.live("bad settings are refused with an InvalidArgumentError naming the key", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<readonly [string, string]> = [
        ["spark.ui.enabled", "maybe"],
        ["spark.ui.port", "http"],
        ["spark.ui.port", "70000"],
        ["spark.ui.port", "-1"],
        ["spark.port.maxRetries", "-2"],
        ["spark.ui.killEnabled", "yes"],
        ["spark.ui.host", "not a host"]
      ]
      for (const [key, value] of cases) {
        const error = yield* Effect.flip(
          Effect.scoped(SparkContext.make({ master: "local[1]", conf: { "spark.ui.enabled": true, [key]: value } }))
        )
        assert.instanceOf(error, InvalidArgumentError, key)
        assert.include(error.message, key)
      }
    }))

  it.live("off by default in these tests (TSPARK_UI_ENABLED=false); the start is logged at INFO; the UI closes with the context", () => {
    const lines: Array<string> = []
    const logger = Logger.map(Logger.formatStructured, (line) => {
      lines.push(`${line.level} ${Array.isArray(line.message) ? line.message.join(" ") : String(line.message)}`)
    })
    return Effect.scoped(Effect.gen(function*() {
      const quiet = yield* SparkContext.make({ master: "local[1]" })
      assert.isUndefined(quiet.uiWebUrl)
      const sc = yield* SparkContext.make({ master: "local[1]", conf: uiConf() })
      assert.include(lines, `INFO Bound SparkUI to 127.0.0.1, and started at ${sc.uiWebUrl}`)
      assert.strictEqual((yield* get(`${sc.uiWebUrl!}/jobs/`)).status, 200)
      yield* sc.stop()
      const after = yield* Effect.promise(() => fetch(`${sc.uiWebUrl!}/jobs/`).then(() => "answered", () => "refused"))
      assert.strictEqual(after, "refused")
    })).pipe(Effect.provide(Logger.layer([logger])))
  })
})
