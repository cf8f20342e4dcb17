/**
 * What the status store keeps, as the UI and the REST API show it, checked
 * against the listener events of the same run: stage metric totals and the
 * taskSummary distributions (a word count with a shuffle and a cached RDD on
 * local[2], and on local-cluster for shuffle bytes between processes), a
 * job's skipped stages, the Storage page and endpoints of a cached RDD then
 * unpersisted, the executors' cached bytes, the DAG drawn from RDDInfo, and
 * RDD names escaped.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import type { SparkListenerEvent } from "../../src/scheduler/SparkListener.js"
import * as SparkContext from "../../src/SparkContext.js"
import * as StorageLevel from "../../src/storage/StorageLevel.js"

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the REST answers are read field by field, as a client would
type Json = any
type Event<T extends SparkListenerEvent["_tag"]> = Extract<SparkListenerEvent, { _tag: T }>

const get = (url: string) =>
  Effect.promise(async () => {
    const response = await fetch(url)
    return { status: response.status, text: await response.text() }
  })
const getJson = (url: string) => Effect.map(get(url), (r) => ({ ...r, json: JSON.parse(r.text) as Json }))

/** A context with its UI on a free port, recording every listener event. */
const contextWithUI = (master: string, appName = "ui-data") =>
  Effect.gen(function*() {
    const sc = yield* SparkContext.make({ master, appName, conf: { "spark.ui.enabled": true, "spark.ui.port": 0 } })
    const events: Array<SparkListenerEvent> = []
    const push = (e: SparkListenerEvent) => void events.push(e)
    sc.addSparkListener({
      onJobStart: push,
      onJobEnd: push,
      onStageSubmitted: push,
      onStageCompleted: push,
      onTaskEnd: push,
      onBlockUpdated: push,
      onUnpersistRDD: push
    })
    return { sc, events, url: sc.uiWebUrl!, api: `${sc.uiWebUrl!}/api/v1/applications/${sc.applicationId}` }
  })

const of = <T extends SparkListenerEvent["_tag"]>(events: ReadonlyArray<SparkListenerEvent>, tag: T) =>
  events.filter((e): e is Event<T> => e._tag === tag)

/** Spark's quantile over the sorted values. */
const quantiles = (values: ReadonlyArray<number>, qs: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  return qs.map((q) => sorted[Math.min(Math.floor(q * sorted.length), sorted.length - 1)])
}

const sum = (ends: ReadonlyArray<Event<"TaskEnd">>, metric: (m: NonNullable<Event<"TaskEnd">["taskMetrics"]>) => number) =>
  ends.reduce((n, e) => n + (e.taskMetrics === undefined ? 0 : metric(e.taskMetrics)), 0)

const words = ["a b a", "c b a", "d e", "a e"]

/** Stage totals and taskSummary against the task ends of each stage. */
const checkStages = (api: string, events: ReadonlyArray<SparkListenerEvent>) =>
  Effect.gen(function*() {
    const stages = (yield* getJson(`${api}/stages`)).json
    const completed = of(events, "StageCompleted")
    assert.strictEqual(stages.length, completed.length)
    let shuffleBytes = 0
    for (const done of completed) {
      const { attemptNumber, stageId } = done.stageInfo
      const stage = stages.find((s: Json) => s.stageId === stageId && s.attemptId === attemptNumber)
      const ends = of(events, "TaskEnd").filter((e) => e.stageId === stageId && e.stageAttemptId === attemptNumber)
      assert.strictEqual(stage.executorRunTime, sum(ends, (m) => m.executorRunTime), `stage ${stageId} run time`)
      assert.strictEqual(stage.executorDeserializeTime, sum(ends, (m) => m.executorDeserializeTime))
      assert.strictEqual(stage.resultSize, sum(ends, (m) => m.resultSize))
      assert.strictEqual(stage.inputBytes, sum(ends, (m) => m.inputMetrics.bytesRead))
      assert.strictEqual(stage.inputRecords, sum(ends, (m) => m.inputMetrics.recordsRead))
      assert.strictEqual(
        stage.shuffleReadBytes,
        sum(ends, (m) => m.shuffleReadMetrics.localBytesRead + m.shuffleReadMetrics.remoteBytesRead)
      )
      assert.strictEqual(stage.shuffleReadRecords, sum(ends, (m) => m.shuffleReadMetrics.recordsRead))
      assert.strictEqual(stage.shuffleFetchWaitTime, sum(ends, (m) => m.shuffleReadMetrics.fetchWaitTime))
      assert.strictEqual(stage.shuffleWriteBytes, sum(ends, (m) => m.shuffleWriteMetrics.bytesWritten))
      assert.strictEqual(stage.shuffleWriteRecords, sum(ends, (m) => m.shuffleWriteMetrics.recordsWritten))
      assert.strictEqual(stage.shuffleWriteTime, sum(ends, (m) => m.shuffleWriteMetrics.writeTime))
      assert.strictEqual(stage.memoryBytesSpilled, sum(ends, (m) => m.memoryBytesSpilled))
      assert.strictEqual(stage.diskBytesSpilled, sum(ends, (m) => m.diskBytesSpilled))
      shuffleBytes += stage.shuffleWriteBytes

      const ok = ends.filter((e) => e.reason._tag === "Success")
      const summary = (yield* getJson(`${api}/stages/${stageId}/${attemptNumber}/taskSummary`)).json
      const qs = [0.05, 0.25, 0.5, 0.75, 0.95]
      assert.deepStrictEqual(summary.quantiles, qs)
      const m = (f: (m: NonNullable<Event<"TaskEnd">["taskMetrics"]>) => number) => quantiles(ok.map((e) => f(e.taskMetrics!)), qs)
      assert.deepStrictEqual(summary.duration, quantiles(ok.map((e) => e.finishTime - e.taskInfo.launchTime), qs))
      assert.deepStrictEqual(summary.executorRunTime, m((x) => x.executorRunTime))
      assert.deepStrictEqual(summary.resultSize, m((x) => x.resultSize))
      assert.deepStrictEqual(summary.shuffleReadMetrics.readRecords, m((x) => x.shuffleReadMetrics.recordsRead))
      assert.deepStrictEqual(
        summary.shuffleReadMetrics.readBytes,
        m((x) => x.shuffleReadMetrics.localBytesRead + x.shuffleReadMetrics.remoteBytesRead)
      )
      assert.deepStrictEqual(summary.shuffleWriteMetrics.writeBytes, m((x) => x.shuffleWriteMetrics.bytesWritten))
      assert.deepStrictEqual(summary.shuffleWriteMetrics.writeRecords, m((x) => x.shuffleWriteMetrics.recordsWritten))
      assert.deepStrictEqual(summary.inputMetrics.recordsRead, m((x) => x.inputMetrics.recordsRead))
      assert.deepStrictEqual(summary.outputMetrics.bytesWritten, [0, 0, 0, 0, 0])
    }
    return shuffleBytes
  })

describe("the UI shows what the status store keeps", () => {
  it.live("local[2] word count with a shuffle and a cached RDD: stage totals, taskSummary, skipped stages, pages", () =>
    Effect.scoped(Effect.gen(function*() {
      const { api, events, sc, url } = yield* contextWithUI("local[2]")
      const counts = sc.parallelize(words, 3).flatMap((l) => l.split(" ")).map((w) => [w, 1] as const)
        .reduceByKey((a, b) => a + b, 2)
        .setName("counts")
        .persist(StorageLevel.MEMORY_ONLY)
      assert.strictEqual((yield* counts.collect()).length, 5)
      // The second job reads the same shuffle: its map stage is skipped.
      assert.strictEqual(yield* counts.count(), 5)
      yield* sc.waitForListeners()

      const shuffleBytes = yield* checkStages(api, events)
      assert.isAbove(shuffleBytes, 0)

      const starts = of(events, "JobStart")
      const submitted = new Set(of(events, "StageSubmitted").map((e) => e.stageInfo.stageId))
      const jobs = (yield* getJson(`${api}/jobs`)).json
      for (const start of starts) {
        const skipped = start.stageInfos.filter((s) => !submitted.has(s.stageId))
        const job = jobs.find((j: Json) => j.jobId === start.jobId)
        assert.strictEqual(job.numSkippedStages, skipped.length, `job ${start.jobId}`)
        assert.strictEqual(job.numSkippedTasks, skipped.reduce((n, s) => n + s.numTasks, 0))
      }
      const second = jobs.find((j: Json) => j.jobId === starts[1]!.jobId)
      assert.strictEqual(second.numSkippedStages, 1)
      assert.strictEqual(second.numSkippedTasks, 3)

      // The job page draws the skipped stage from its StageInfo, with its RDDs.
      const jobPage = (yield* get(`${url}/jobs/job/?id=${starts[1]!.jobId}`)).text
      assert.match(jobPage, /<svg class="dag" id="dag" data-stages="2"/)
      assert.strictEqual(jobPage.match(/class="stage-cluster status-skipped"/g)?.length, 1)
      assert.match(jobPage, /id="skipped-stages" data-rows="1"/)
      assert.match(jobPage, /data-name="ParallelCollectionRDD" data-scope="parallelCollection"/)
      const jobsPage = (yield* get(`${url}/jobs/`)).text
      assert.include(jobsPage, "(1 skipped)")

      // The map stage's page: shuffle write rows in its summary; the stage list's Shuffle Write column.
      const mapStage = of(events, "StageCompleted").find((e) => e.stageInfo.kind === "ShuffleMapStage")!.stageInfo
      const resultStage = of(events, "StageCompleted").find((e) => e.stageInfo.kind === "ResultStage")!.stageInfo
      const mapPage = (yield* get(`${url}/stages/stage/?id=${mapStage.stageId}&attempt=0`)).text
      assert.match(mapPage, /data-metric="shuffleWrite"/)
      assert.notMatch(mapPage, /data-metric="shuffleRead"/)
      assert.match(mapPage, /data-total="shuffleWrite"/)
      const resultPage = (yield* get(`${url}/stages/stage/?id=${resultStage.stageId}&attempt=0`)).text
      assert.match(resultPage, /data-metric="shuffleRead"/)
      assert.notMatch(resultPage, /data-metric="shuffleWrite"/)
      const stagesPage = (yield* get(`${url}/stages/`)).text
      const mapJson = (yield* getJson(`${api}/stages/${mapStage.stageId}/0`)).json
      assert.include(stagesPage, `data-field="shuffleWrite" data-bytes="${mapJson.shuffleWriteBytes}"`)
      assert.include(stagesPage, `<th>Shuffle Read</th>`)

      // Executors: their cached blocks and bytes are the block updates' sums.
      const updates = of(events, "BlockUpdated").map((e) => e.blockUpdatedInfo)
      const latest = new Map(updates.map((u) => [`${u.executorId}/${u.blockId}`, u]))
      const executors = (yield* getJson(`${api}/executors`)).json
      for (const executor of executors) {
        const held = [...latest.values()].filter((u) => u.executorId === executor.id && u.memSize + u.diskSize > 0)
        assert.strictEqual(executor.rddBlocks, held.length, executor.id)
        assert.strictEqual(executor.memoryUsed, held.reduce((n, u) => n + u.memSize, 0))
        assert.strictEqual(executor.diskUsed, held.reduce((n, u) => n + u.diskSize, 0))
      }
      assert.strictEqual(executors.reduce((n: number, e: Json) => n + e.rddBlocks, 0), 2)
      const executorsPage = (yield* get(`${url}/executors/`)).text
      assert.include(executorsPage, `data-field="rddBlocks">2<`)
    })))

  it.live("local-cluster: shuffle bytes between executor processes in the stage totals and taskSummary", () =>
    Effect.scoped(Effect.gen(function*() {
      const { api, events, sc } = yield* contextWithUI("local-cluster[2,1,128]")
      const counts = yield* sc.parallelize(words, 4).flatMap((l) => l.split(" ")).map((w) => [w, 1] as const)
        .reduceByKey((a, b) => a + b, 2).collect()
      assert.strictEqual(counts.length, 5)
      yield* sc.waitForListeners()
      const shuffleBytes = yield* checkStages(api, events)
      assert.isAbove(shuffleBytes, 0)
      const stages = (yield* getJson(`${api}/stages`)).json
      const read = stages.reduce((n: number, s: Json) => n + s.shuffleReadBytes, 0)
      assert.isAbove(read, 0)
      const executors = (yield* getJson(`${api}/executors`)).json
      assert.strictEqual(executors.reduce((n: number, e: Json) => n + e.totalShuffleWrite, 0), shuffleBytes)
    })))

  it.live("Storage page and storage/rdd endpoints: a cached RDD with its partitions, gone once unpersisted", () =>
    Effect.scoped(Effect.gen(function*() {
      const { api, events, sc, url } = yield* contextWithUI("local[2]")
      const cached = sc.parallelize([1, 2, 3, 4, 5, 6], 3).map((x) => x * 2).setName("doubled").persist(StorageLevel.MEMORY_ONLY)
      yield* cached.count()
      yield* sc.waitForListeners()
      const updates = of(events, "BlockUpdated").map((e) => e.blockUpdatedInfo).filter((u) => u.blockId.startsWith(`rdd_${cached.id}_`))
      assert.strictEqual(updates.length, 3)
      const list = (yield* getJson(`${api}/storage/rdd`)).json
      assert.deepStrictEqual(list.map((r: Json) => [r.id, r.name, r.numPartitions, r.numCachedPartitions, r.storageLevel]), [
        [cached.id, "doubled", 3, 3, "Memory Deserialized 1x Replicated"]
      ])
      assert.strictEqual(list[0].memoryUsed, updates.reduce((n, u) => n + u.memSize, 0))
      assert.isUndefined(list[0].partitions)
      const one = (yield* getJson(`${api}/storage/rdd/${cached.id}`)).json
      assert.deepStrictEqual(
        one.partitions.map((p: Json) => [p.blockName, p.memoryUsed, p.diskUsed, p.executors]),
        [...updates].sort((a, b) => (a.blockId < b.blockId ? -1 : 1)).map((u) => [u.blockId, u.memSize, u.diskSize, [u.executorId]])
      )
      const page = (yield* get(`${url}/storage/`)).text
      assert.match(page, /id="storage-rdds" data-rows="1"/)
      assert.include(page, `<a href="/storage/rdd/?id=${cached.id}">doubled</a>`)
      assert.include(page, "100%")
      const rddPage = yield* get(`${url}/storage/rdd/?id=${cached.id}`)
      assert.strictEqual(rddPage.status, 200)
      assert.match(rddPage.text, /id="rdd-partitions" data-rows="3"/)

      cached.unpersist()
      yield* sc.waitForListeners()
      assert.deepStrictEqual((yield* getJson(`${api}/storage/rdd`)).json, [])
      const gone = yield* getJson(`${api}/storage/rdd/${cached.id}`)
      assert.strictEqual(gone.status, 404)
      assert.match(gone.json.message, new RegExp(`no rdd found w/ id ${cached.id}`))
      assert.match((yield* get(`${url}/storage/`)).text, /id="storage-rdds" data-rows="0"/)
      assert.strictEqual((yield* get(`${url}/storage/rdd/?id=${cached.id}`)).status, 404)
      assert.strictEqual((yield* getJson(`${api}/executors`)).json.reduce((n: number, e: Json) => n + e.memoryUsed, 0), 0)
    })))

  it.live("the DAG of a two-shuffle job: three stages, RDDs named from RDDInfo with edges from their parents", () =>
    Effect.scoped(Effect.gen(function*() {
      const { events, sc, url } = yield* contextWithUI("local[2]")
      yield* sc.parallelize(["a b", "b c", "c a"], 2).flatMap((l) => l.split(" ")).map((w) => [w, 1] as const)
        .reduceByKey((a, b) => a + b)
        .map(([w, n]) => [n, w] as const)
        .groupByKey()
        .collect()
      yield* sc.waitForListeners()
      const [start] = of(events, "JobStart")
      const page = (yield* get(`${url}/jobs/job/?id=${start!.jobId}`)).text
      assert.match(page, /<svg class="dag" id="dag" data-stages="3"/)
      const infos = start!.stageInfos.flatMap((s) => s.rddInfos)
      const ids = new Set(infos.map((r) => r.rddId))
      assert.match(page, new RegExp(`data-rdds="${infos.length}"`))
      for (const info of infos) {
        assert.include(page, `data-rdd-id="${info.rddId}" data-name="${info.name}" data-scope="${info.scope}"`)
        assert.include(page, `${info.name} [${info.rddId}]`)
        for (const parent of info.parentIds.filter((p) => ids.has(p))) {
          assert.include(page, `class="rdd-edge" data-from="${parent}" data-to="${info.rddId}"`)
        }
      }
      const edges = infos.reduce((n, r) => n + r.parentIds.filter((p) => ids.has(p)).length, 0)
      assert.isAbove(edges, infos.length - 2)
      assert.strictEqual(page.match(/class="rdd-edge"/g)?.length, edges)
      assert.strictEqual(page.match(/class="stage-edge"/g)?.length, 2)
    })))

  it.live("an RDD named <script> is shown as text on the Storage, stage and job pages and in the DAG", () =>
    Effect.scoped(Effect.gen(function*() {
      const evil = "<script>alert(1)</script>"
      const { api, sc, url } = yield* contextWithUI("local[1]")
      const rdd = sc.parallelize([1, 2], 1).setName(evil).persist(StorageLevel.MEMORY_ONLY)
      yield* rdd.count()
      yield* sc.waitForListeners()
      for (const path of ["/storage/", `/storage/rdd/?id=${rdd.id}`, "/jobs/job/?id=0", "/stages/stage/?id=0&attempt=0"]) {
        const page = (yield* get(`${url}${path}`)).text
        assert.notInclude(page, evil, path)
        assert.include(page, "&lt;script&gt;alert(1)&lt;/script&gt;", path)
      }
      assert.strictEqual((yield* getJson(`${api}/storage/rdd`)).json[0].name, evil)
    })))
})
