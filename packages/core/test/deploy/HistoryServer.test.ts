/**
 * The history server over a directory of event logs, on a real socket and
 * the test clock: the listing (a completed application and an in-progress
 * one, each name escaped), an application's rebuilt UI and REST API, a grown
 * in-progress log re-read after spark.history.fs.update.interval, the LRU
 * bound of spark.history.retainedApplications, a corrupt log listed with its
 * error, and a missing directory refused with the setting's name.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import * as fs from "node:fs"
import * as path from "node:path"
import * as HistoryServer from "../../src/deploy/history/HistoryServer.js"
import type { SparkListenerEvent } from "../../src/scheduler/SparkListener.js"
import * as SparkConf from "../../src/SparkConf.js"
import { InvalidArgumentError } from "../../src/SparkError.js"
import { logStart, sparkEventToJson } from "../../src/util/JsonProtocol.js"
import { uiStoresOf } from "../../src/internal/ui/startWebUI.js"
import * as AppStatusListener from "../../src/status/AppStatusListener.js"
import { makeContext, tempDir } from "../utils/spark.js"

const lines = (events: ReadonlyArray<SparkListenerEvent>) => events.map((e) => JSON.stringify(sparkEventToJson(e)) + "\n").join("")

const appStart = (appId: string, appName: string, time: number): ReadonlyArray<SparkListenerEvent> => [
  {
    _tag: "EnvironmentUpdate",
    environmentDetails: { runtime: [["Node Version", "v22"]], sparkProperties: [["spark.app.name", appName]], systemProperties: [] }
  },
  { _tag: "ApplicationStart", appName, appId, time, sparkUser: "ada" }
]

const job = (jobId: number, time: number): ReadonlyArray<SparkListenerEvent> => [
  { _tag: "JobStart", jobId, time, stageInfos: [], properties: new Map() },
  { _tag: "JobEnd", jobId, time: time + 5, result: "JobSucceeded" }
]

/** Writes a log as the event log writes it: the format line, then one event per line. */
const writeLog = (dir: string, file: string, events: ReadonlyArray<SparkListenerEvent>) =>
  fs.writeFileSync(path.join(dir, file), JSON.stringify(logStart) + "\n" + lines(events))

const get = (url: string) =>
  Effect.promise(async () => {
    const response = await fetch(url, { redirect: "manual" })
    return { status: response.status, text: await response.text(), location: response.headers.get("location") }
  })

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- REST answers are read field by field, as a client would
type Json = any
const getJson = (url: string) => Effect.map(get(url), (r) => JSON.parse(r.text) as Json)

describe("HistoryServer", () => {
  it.effect("a UI's application and environment come from its status store's events, for a live context and a replayed log alike", () =>
    Effect.scoped(Effect.gen(function*() {
      const store = AppStatusListener.make(SparkConf.make())
      if (store instanceof InvalidArgumentError) return yield* Effect.die(store)
      const stores = uiStoresOf(store, { id: "app-x", name: "before start", startTime: 5 }, "0.1.0")
      assert.deepStrictEqual(stores.application(), {
        id: "app-x",
        name: "before start",
        startTime: 5,
        endTime: undefined,
        sparkUser: "",
        appSparkVersion: "0.1.0"
      })
      for (const event of [...appStart("app-x", "heard", 10), { _tag: "ApplicationEnd", time: 40 } as const]) {
        if (event._tag === "EnvironmentUpdate") store.onEnvironmentUpdate(event)
        else if (event._tag === "ApplicationStart") store.onApplicationStart(event)
        else if (event._tag === "ApplicationEnd") store.onApplicationEnd(event)
      }
      const app = stores.application()
      assert.deepStrictEqual([app.id, app.name, app.startTime, app.endTime, app.sparkUser], ["app-x", "heard", 10, 40, "ada"])
      assert.strictEqual(stores.environment().runtime.nodeVersion, "v22")
      assert.deepStrictEqual(stores.environment().sparkProperties, [["spark.app.name", "heard"]])
      // A live context's UI reads the same: the name and properties it posted, not a snapshot of the context.
      const sc = yield* makeContext({
        appName: "live <app>",
        conf: { "spark.ui.enabled": "true", "spark.ui.port": "0", "spark.fixture": "x" }
      })
      yield* sc.waitForListeners()
      const live = sc.ui!.stores
      assert.strictEqual(live.application().name, "live <app>")
      assert.strictEqual(live.application().id, sc.applicationId)
      assert.strictEqual(live.environment().runtime.nodeVersion, process.version)
      assert.deepInclude(live.environment().sparkProperties, ["spark.fixture", "x"])
    })))

  it.effect("lists completed and in-progress applications, escaped, and serves each one's rebuilt UI and REST API", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = yield* tempDir
      writeLog(dir, "app-done", [...appStart("app-done", "<script>done</script>", 1000), ...job(0, 1100), {
        _tag: "ApplicationEnd",
        time: 2000
      }])
      writeLog(dir, "app-live.inprogress", [...appStart("app-live", "live one", 1500), ...job(0, 1600)])
      const server = yield* HistoryServer.start({ logDir: dir, port: 0 })
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/)

      const home = yield* get(`${server.url}/`)
      assert.strictEqual(home.status, 200)
      assert.include(home.text, "data-app-id=\"app-done\" data-completed=\"true\"")
      assert.include(home.text, "&lt;script&gt;done&lt;/script&gt;")
      assert.notInclude(home.text, "<script>done")
      assert.notInclude(home.text, "data-app-id=\"app-live\"", "completed ones by default")
      assert.include(home.text, "href=\"/history/app-done/jobs/\"")
      const incomplete = yield* get(`${server.url}/?showIncomplete=true`)
      assert.include(incomplete.text, `data-app-id="app-live" data-completed="false"`, incomplete.text)
      assert.include(incomplete.text, "in progress")

      const apps = yield* getJson(`${server.url}/api/v1/applications`)
      assert.deepStrictEqual(apps.map((a: Json) => [a.id, a.attempts[0].completed]).sort(), [["app-done", true], ["app-live", false]])
      const done = apps.find((a: Json) => a.id === "app-done")
      assert.strictEqual(done.attempts[0].duration, 1000)
      assert.strictEqual(done.attempts[0].sparkUser, "ada")
      assert.deepStrictEqual((yield* getJson(`${server.url}/api/v1/applications?status=running`)).map((a: Json) => a.id), ["app-live"])

      const jobs = yield* getJson(`${server.url}/api/v1/applications/app-done/jobs`)
      assert.deepStrictEqual(jobs.map((j: Json) => [j.jobId, j.status]), [[0, "SUCCEEDED"]])
      const app = yield* getJson(`${server.url}/api/v1/applications/app-done`)
      assert.strictEqual(app.name, "<script>done</script>")
      const env = yield* getJson(`${server.url}/api/v1/applications/app-done/environment`)
      assert.deepStrictEqual(env.sparkProperties, [["spark.app.name", "<script>done</script>"]])
      assert.strictEqual((yield* get(`${server.url}/api/v1/applications/nope/jobs`)).status, 404)

      const root = yield* get(`${server.url}/history/app-done/`)
      assert.strictEqual(root.status, 302)
      assert.strictEqual(root.location, "/history/app-done/jobs/")
      const page = yield* get(`${server.url}/history/app-done/jobs/`)
      assert.strictEqual(page.status, 200)
      assert.include(page.text, "href=\"/history/app-done/stages/\"", "tab links stay in the application's prefix")
      assert.include(page.text, "href=\"/static/tspark-ui.css\"", "static files come from the root")
      assert.include(page.text, "&lt;script&gt;done&lt;/script&gt;")
      assert.strictEqual((yield* get(`${server.url}/history/nope/jobs/`)).status, 404)
      assert.strictEqual((yield* get(`${server.url}/static/tspark-ui.css`)).status, 200)
    })))

  it.effect("a grown in-progress log is replayed again after the update interval; a completed one is kept", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = yield* tempDir
      const file = path.join(dir, "app-grow.inprogress")
      writeLog(dir, "app-grow.inprogress", [...appStart("app-grow", "growing", 0), ...job(0, 10)])
      const server = yield* HistoryServer.start({
        logDir: dir,
        port: 0,
        conf: SparkConf.make({ "spark.history.fs.update.interval": "10s" })
      })
      const jobsUrl = `${server.url}/api/v1/applications/app-grow/jobs`
      assert.strictEqual((yield* getJson(jobsUrl)).length, 1)
      fs.appendFileSync(file, lines(job(1, 20)))
      yield* TestClock.adjust("9 seconds")
      assert.strictEqual((yield* getJson(jobsUrl)).length, 1, "not re-read before the interval")
      yield* TestClock.adjust("1 second")
      assert.strictEqual((yield* getJson(jobsUrl)).length, 2, "re-read once the interval passed")
      // The application ends: the log is renamed, and the completed log is what the listing and UI show.
      fs.appendFileSync(file, lines([{ _tag: "ApplicationEnd", time: 30 }]))
      fs.renameSync(file, path.join(dir, "app-grow"))
      yield* TestClock.adjust("10 seconds")
      const app = yield* getJson(`${server.url}/api/v1/applications/app-grow`)
      assert.isTrue(app.attempts[0].completed)
      assert.strictEqual(app.attempts[0].duration, 30)
    })))

  it.effect("keeps at most spark.history.retainedApplications rebuilt UIs, the least recently used dropped", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = yield* tempDir
      for (const id of ["a", "b", "c"]) writeLog(dir, id, [...appStart(id, id, 0), { _tag: "ApplicationEnd", time: 1 }])
      const server = yield* HistoryServer.start({
        logDir: dir,
        port: 0,
        conf: SparkConf.make({ "spark.history.retainedApplications": "2" })
      })
      const open = (id: string) => server.handle({ method: "GET", path: `/history/${id}/jobs/`, query: new URLSearchParams() })
      yield* open("a")
      yield* open("b")
      yield* open("a")
      assert.deepStrictEqual(server.provider.keptApplications(), ["b", "a"])
      yield* open("c")
      assert.deepStrictEqual(server.provider.keptApplications(), ["a", "c"])
      assert.strictEqual((yield* open("b")).status, 200, "an evicted application is replayed again")
      assert.deepStrictEqual(server.provider.keptApplications(), ["c", "b"])
    })))

  it.effect("a rebuilt store is bounded by the server's spark.ui.retainedJobs over thousands of jobs", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = yield* tempDir
      writeLog(dir, "app-big", [...appStart("app-big", "big", 0), ...Array.from({ length: 3000 }, (_, i) => job(i, i)).flat()])
      const server = yield* HistoryServer.start({ logDir: dir, port: 0, conf: SparkConf.make({ "spark.ui.retainedJobs": "100" }) })
      const jobs = yield* getJson(`${server.url}/api/v1/applications/app-big/jobs`)
      assert.strictEqual(jobs.length, 100)
      assert.strictEqual(jobs[0].jobId, 2999)
    })))

  it.effect("requests for an application arriving together share one replay", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = yield* tempDir
      writeLog(dir, "app-busy", [...appStart("app-busy", "busy", 0), ...Array.from({ length: 200 }, (_, i) => job(i, i * 10)).flat()])
      const server = yield* HistoryServer.start({ logDir: dir, port: 0 })
      const loaded = yield* Effect.all(Array.from({ length: 4 }, () => server.provider.getAppUI("app-busy")), { concurrency: "unbounded" })
      const uis = new Set(loaded.map((l) => (l._tag === "Loaded" ? l.ui : undefined)))
      assert.strictEqual(uis.size, 1)
      assert.isDefined([...uis][0])
      assert.strictEqual([...uis][0]!.stores.appStatus.jobs().length, 200)
    })))

  it.effect("a corrupt log is listed with its error, and the others are served", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = yield* tempDir
      writeLog(dir, "good", [...appStart("good", "good", 0), { _tag: "ApplicationEnd", time: 1 }])
      fs.writeFileSync(path.join(dir, "broken"), "{not json\n")
      fs.writeFileSync(
        path.join(dir, "cut"),
        JSON.stringify(logStart) + "\n" + lines(appStart("cut", "cut", 0)) + "{\"Event\":\n" + lines(job(0, 1))
      )
      const server = yield* HistoryServer.start({ logDir: dir, port: 0 })
      const home = yield* get(`${server.url}/`)
      assert.strictEqual(home.status, 200)
      assert.include(home.text, "data-app-id=\"good\"")
      assert.include(home.text, `data-log="${path.join(dir, "broken")}"`)
      assert.include(home.text, "broken:1: not a JSON line")
      const cut = yield* get(`${server.url}/history/cut/jobs/`)
      assert.strictEqual(cut.status, 500)
      assert.include(cut.text, "cut:4: not a JSON line")
      const after = yield* get(`${server.url}/`)
      assert.include(after.text, `data-log="${path.join(dir, "cut")}"`, "the replay's error joins the listing")
      assert.strictEqual((yield* get(`${server.url}/history/good/jobs/`)).status, 200)
      assert.deepStrictEqual((yield* getJson(`${server.url}/api/v1/applications`)).map((a: Json) => a.id), ["good"])
    })))

  it.effect("a missing or unset directory and a bad setting are refused, naming the setting and the flag", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = yield* tempDir
      const missing = yield* Effect.flip(HistoryServer.start({ logDir: path.join(dir, "nope"), port: 0 }))
      assert.instanceOf(missing, InvalidArgumentError)
      assert.include(missing.message, "spark.history.fs.logDirectory (--dir)")
      const unset = yield* Effect.flip(HistoryServer.start({ port: 0 }))
      assert.include(unset.message, "spark.history.fs.logDirectory")
      const file = path.join(dir, "file")
      fs.writeFileSync(file, "")
      assert.include((yield* Effect.flip(HistoryServer.start({ logDir: file, port: 0 }))).message, "is not a directory")
      const bad = yield* Effect.flip(
        HistoryServer.start({ logDir: dir, conf: SparkConf.make({ "spark.history.retainedApplications": "0" }) })
      )
      assert.include(bad.message, "spark.history.retainedApplications")
      const fromConf = yield* HistoryServer.start({ port: 0, conf: SparkConf.make({ "spark.history.fs.logDirectory": `file:${dir}` }) })
      assert.strictEqual(fromConf.logDir, dir)
    })))
})
