/**
 * The event log on real runs: a context with spark.eventLog.enabled writes
 * `<appId>.inprogress` (format line first) and renames it at stop; replaying
 * it gives the same AppStatusListener contents as the live store (jobs,
 * stages, executors, storage, environment, application; block updates logged); a rejected
 * directory or an existing log fails before anything is written; block
 * updates only with their setting; the listing of a directory.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as ReplayListenerBus from "../../src/scheduler/ReplayListenerBus.js"
import * as SparkConf from "../../src/SparkConf.js"
import * as SparkContext from "../../src/SparkContext.js"
import { InvalidArgumentError } from "../../src/SparkError.js"
import * as AppStatusListener from "../../src/status/AppStatusListener.js"
import * as StorageLevel from "../../src/storage/StorageLevel.js"

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "tspark-eventlog-"))

const logConf = (dir: string, extra: Record<string, string> = {}) => ({
  "spark.eventLog.enabled": "true",
  "spark.eventLog.dir": dir,
  ...extra
})

const storeOf = () => {
  const store = AppStatusListener.make(SparkConf.make())
  if (store instanceof InvalidArgumentError) throw new Error(store.message)
  return store
}

/** What a store shows, without the fields that are object identities. */
const contents = (store: AppStatusListener.AppStatusListener) => ({
  jobs: store.jobs(),
  stages: store.stages(),
  executors: store.executors(),
  storage: store.rddStorage(),
  environment: store.environment(),
  application: store.applicationInfo(),
  sizes: store.sizes()
})

/** Runs a small application with the event log on: a two-stage job, a cached RDD, a failing job. */
const runApplication = (dir: string, extra: Record<string, string> = {}) =>
  Effect.scoped(Effect.gen(function*() {
    const sc = yield* SparkContext.make({ master: "local[2]", appName: "event log test", conf: logConf(dir, extra) })
    const words = sc.parallelize(["a", "b", "a", "c", "b", "a"], 3)
    yield* words.map((w) => [w, 1] as const).reduceByKey((a, b) => a + b, 2).collect()
    const cached = sc.parallelize([1, 2, 3, 4], 2).persist(StorageLevel.MEMORY_ONLY)
    yield* cached.count()
    yield* Effect.flip(
      sc.parallelize([1, 2], 1).map((x): number => {
        if (x === 2) throw new Error("bad record")
        return x
      }).collect()
    )
    yield* sc.waitForListeners()
    const appId = sc.applicationId
    yield* sc.stop()
    return { sc, appId }
  }))

describe("EventLoggingListener", () => {
  it.live("a run's log is completed at stop, and its replay gives the live store's jobs, stages and executors", () =>
    Effect.gen(function*() {
      const dir = tempDir()
      // With block updates logged, as Spark's history server needs them for the Storage page.
      const { appId, sc } = yield* runApplication(dir, { "spark.eventLog.logBlockUpdates.enabled": "true" })
      const file = path.join(dir, appId)
      assert.isTrue(fs.existsSync(file), "the completed log")
      assert.isFalse(fs.existsSync(file + ".inprogress"), "no in-progress log left")
      const lines = fs.readFileSync(file, "utf8").trim().split("\n")
      assert.deepStrictEqual(JSON.parse(lines[0]!), { "Event": "SparkListenerLogStart", "Spark Version": "0.1.0", "Format Version": 1 })
      assert.strictEqual(JSON.parse(lines[lines.length - 1]!).Event, "SparkListenerApplicationEnd")

      const replayed = storeOf()
      const result = yield* ReplayListenerBus.replay(file, [replayed])
      assert.strictEqual(result.events, lines.length - 1)
      assert.isFalse(result.truncated)
      assert.deepStrictEqual(contents(replayed), contents(sc.statusStore))
      assert.strictEqual(replayed.jobs().length, 3)
      assert.deepStrictEqual(replayed.jobs().map((j) => j.status), ["FAILED", "SUCCEEDED", "SUCCEEDED"])
      assert.strictEqual(replayed.rddStorage().length, 1)
      assert.isTrue(replayed.applicationInfo()!.attempts[0]!.completed)
    }))

  it.live("a directory that does not exist is refused, naming the key, and nothing is written", () =>
    Effect.gen(function*() {
      const parent = tempDir()
      const missing = path.join(parent, "not-there")
      const error = yield* Effect.flip(Effect.scoped(SparkContext.make({ master: "local[1]", conf: logConf(missing) })))
      assert.strictEqual(error._tag, "InvalidArgumentError")
      assert.include(error.message, "spark.eventLog.dir")
      assert.include(error.message, missing)
      assert.deepStrictEqual(fs.readdirSync(parent), [])
    }))

  it.live("an existing log of the same application is refused unless spark.eventLog.overwrite", () =>
    Effect.gen(function*() {
      const dir = tempDir()
      fs.writeFileSync(path.join(dir, "app-same"), "old")
      const conf = logConf(dir, { "spark.app.id": "app-same" })
      const error = yield* Effect.flip(Effect.scoped(SparkContext.make({ master: "local[1]", conf })))
      assert.include(error.message, "spark.eventLog.overwrite")
      assert.strictEqual(fs.readFileSync(path.join(dir, "app-same"), "utf8"), "old")
      assert.isFalse(fs.existsSync(path.join(dir, "app-same.inprogress")))
      yield* runApplication(dir, { "spark.app.id": "app-same", "spark.eventLog.overwrite": "true" })
      assert.notStrictEqual(fs.readFileSync(path.join(dir, "app-same"), "utf8"), "old")
    }))

  it.live("block updates are logged only with spark.eventLog.logBlockUpdates.enabled", () =>
    Effect.gen(function*() {
      const dir = tempDir()
      const events = (appId: string) =>
        fs.readFileSync(path.join(dir, appId), "utf8").trim().split("\n").map((l) => JSON.parse(l).Event as string)
      yield* runApplication(dir, { "spark.app.id": "without" })
      yield* runApplication(dir, { "spark.app.id": "with", "spark.eventLog.logBlockUpdates.enabled": "true" })
      assert.notInclude(events("without"), "SparkListenerBlockUpdated")
      assert.include(events("with"), "SparkListenerBlockUpdated")
    }))

  it.live("the listing names each log's application, its start and end, completed or in progress", () =>
    Effect.gen(function*() {
      const dir = tempDir()
      const { appId, sc } = yield* runApplication(dir)
      const lines = fs.readFileSync(path.join(dir, appId), "utf8").split("\n")
      // An application still running: its log has no end yet.
      fs.writeFileSync(path.join(dir, "app-running.inprogress"), lines.slice(0, 4).join("\n") + "\n")
      const logs = yield* ReplayListenerBus.listLogs(dir)
      const done = logs.find((l) => l.path === path.join(dir, appId))!
      assert.strictEqual(done.appName, "event log test")
      assert.strictEqual(done.startTime, sc.startTime)
      assert.isDefined(done.endTime)
      assert.isTrue(done.completed)
      const running = logs.find((l) => l.path.endsWith("app-running.inprogress"))!
      assert.isFalse(running.completed)
      assert.isUndefined(running.endTime)
    }))
})
