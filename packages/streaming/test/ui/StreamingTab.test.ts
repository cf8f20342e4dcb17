/**
 * The Streaming tab and its REST endpoints over a streaming run on the test
 * clock, with the web UI on a real socket: every endpoint's JSON against the
 * streaming and Spark listener events of the same run, a failed output
 * operation's error on its batch page (escaped), the tab attached at start
 * and detached at stop, and the bound: 10,000 batches keep only
 * spark.streaming.ui.retainedBatches, the tab adding nothing per batch.
 */
import { assert, describe, it } from "@effect/vitest"
import { SparkConf, SparkUI } from "@tspark/core"
import { Effect } from "effect"
import type { BatchInfo, OutputOperationInfo } from "../../src/scheduler/StreamingListener.js"
import * as Testing from "../../src/testing/index.js"
import * as StreamingJobProgressListener from "../../src/ui/StreamingJobProgressListener.js"
import * as StreamingTab from "../../src/ui/StreamingTab.js"
import { makeStreaming } from "../utils/streaming.js"

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the REST answers are read field by field, as a client would
type Json = any

const get = (url: string) =>
  Effect.promise(async () => {
    const response = await fetch(url)
    return { status: response.status, text: await response.text() }
  })
const getJson = (url: string) => Effect.map(get(url), (r) => ({ status: r.status, json: JSON.parse(r.text) as Json }))
const apiDate = (ms: number) => new Date(ms).toISOString().replace("Z", "GMT")

describe("StreamingTab", () => {
  it.effect("REST and pages over a run on the test clock: statistics, batches, operations with their jobs, a failure, no receivers", () =>
    Effect.scoped(Effect.gen(function*() {
      const { sc, ssc } = yield* makeStreaming({ checkpoint: false, conf: { "spark.ui.enabled": true, "spark.ui.port": 0 } })
      const completed: Array<BatchInfo> = []
      const operations: Array<OutputOperationInfo> = []
      yield* ssc.addStreamingListener({
        onBatchCompleted: (b) => void completed.push(b),
        onOutputOperationCompleted: (op) => void operations.push(op)
      })
      const jobsOfBatch: Array<readonly [batch: number, op: number, job: number]> = []
      sc.addSparkListener({
        onJobStart: (e) => {
          const batch = e.properties.get("spark.streaming.internal.batchTime")
          if (batch !== undefined) {
            jobsOfBatch.push([Number(batch), Number(e.properties.get("spark.streaming.internal.outputOpId")), e.jobId])
          }
        }
      })
      const input = ssc.queueStream(Array.from({ length: 5 }, (_, i) => sc.parallelize(Array.from({ length: i + 1 }, (_, j) => j), 1)))
      input.foreachRDD((rdd) => Effect.asVoid(rdd.count()))
      input.foreachRDD((rdd, time) => time === 3000 ? Effect.die(new Error("<b>sink down</b> at 3000")) : Effect.asVoid(rdd.count()))
      yield* Testing.runToBatch(ssc, 2)
      yield* Testing.advanceBatchesThroughFailures(ssc, 3)
      yield* ssc.waitForListeners()
      yield* sc.waitForListeners()
      const url = sc.uiWebUrl!
      const api = `${url}/api/v1/applications/${sc.applicationId}/streaming`

      const stats = (yield* getJson(`${api}/statistics`)).json
      assert.strictEqual(stats.startTime, apiDate(0))
      assert.strictEqual(stats.batchDuration, 1000)
      assert.strictEqual(stats.numTotalCompletedBatches, completed.length)
      assert.strictEqual(stats.numRetainedCompletedBatches, completed.length)
      assert.strictEqual(stats.numProcessedRecords, completed.reduce((n, b) => n + b.numRecords, 0))
      assert.strictEqual(stats.numReceivers, 0)
      assert.strictEqual(stats.avgInputRate, completed.reduce((n, b) => n + b.numRecords, 0) / completed.length)

      const batches = (yield* getJson(`${api}/batches`)).json
      assert.deepStrictEqual(batches.map((b: Json) => b.batchId), completed.map((b) => b.batchTime).sort((a, b) => b - a))
      for (const event of completed) {
        const batch = batches.find((b: Json) => b.batchId === event.batchTime)
        assert.strictEqual(batch.batchTime, apiDate(event.batchTime))
        assert.strictEqual(batch.status, "COMPLETED")
        assert.strictEqual(batch.inputSize, event.numRecords)
        assert.strictEqual(batch.schedulingDelay, event.schedulingDelay)
        assert.strictEqual(batch.processingTime, event.processingDelay)
        assert.strictEqual(batch.totalDelay, event.totalDelay)
        assert.strictEqual(batch.numTotalOutputOps, 2)
        const failed = event.batchTime === 3000
        assert.strictEqual(batch.numFailedOutputOps, failed ? 1 : 0)
        assert.strictEqual(batch.numCompletedOutputOps, failed ? 1 : 2)
        if (failed) assert.include(batch.firstFailureReason, "<b>sink down</b> at 3000")
      }
      assert.deepStrictEqual((yield* getJson(`${api}/batches?status=queued`)).json, [])
      assert.deepStrictEqual((yield* getJson(`${api}/batches/3000`)).json, batches.find((b: Json) => b.batchId === 3000))

      const ops = (yield* getJson(`${api}/batches/3000/operations`)).json
      assert.deepStrictEqual(ops.map((op: Json) => op.outputOpId), [0, 1])
      for (const op of ops) {
        const event = operations.find((o) => o.batchTime === 3000 && o.id === op.outputOpId)!
        assert.strictEqual(op.name, event.name)
        assert.strictEqual(op.startTime, apiDate(event.startTime!))
        assert.strictEqual(op.endTime, apiDate(event.endTime!))
        assert.strictEqual(op.failureReason, event.failureReason)
        assert.deepStrictEqual(op.jobIds, jobsOfBatch.filter(([b, o]) => b === 3000 && o === op.outputOpId).map(([, , job]) => job))
        // The failing operation died before running a job; the other ran its count.
        assert.strictEqual(op.jobIds.length, op.outputOpId === 0 ? 1 : 0)
      }
      assert.deepStrictEqual((yield* getJson(`${api}/batches/3000/operations/1`)).json, ops[1])

      assert.deepStrictEqual((yield* getJson(`${api}/receivers`)).json, [])
      const missing: ReadonlyArray<readonly [string, RegExp]> = [
        ["receivers/0", /unknown receiver: 0/],
        ["batches/1234", /unknown batch: 1234/],
        ["batches/x", /unknown batch: x/],
        ["batches/3000/operations/7", /unknown output operation: 7/],
        ["nothing", /unknown path/]
      ]
      for (const [path, message] of missing) {
        const response = yield* getJson(`${api}/${path}`)
        assert.strictEqual(response.status, 404, path)
        assert.match(response.json.message, message, path)
      }

      const page = yield* get(`${url}/streaming/`)
      assert.strictEqual(page.status, 200)
      assert.match(page.text, new RegExp(`<table class="table" id="completed-batches" data-rows="${completed.length}">`))
      for (const id of ["input-rate", "scheduling-delay", "processing-time", "total-delay"]) {
        assert.include(page.text, `id="chart-${id}-timeline"`)
        assert.include(page.text, `id="chart-${id}-histogram"`)
      }
      assert.include(page.text, `data-api="/api/v1/applications/${sc.applicationId}/streaming/batches?status=COMPLETED"`)
      assert.match(page.text, /data-tab="streaming"/)
      const batchPage = yield* get(`${url}/streaming/batch/?id=3000`)
      assert.match(batchPage.text, /id="output-operations" data-rows="2"/)
      assert.include(batchPage.text, "&lt;b&gt;sink down&lt;/b&gt; at 3000")
      assert.notInclude(batchPage.text, "<b>sink down</b>")
      const jobId = jobsOfBatch.find(([b, o]) => b === 3000 && o === 0)![2]
      assert.include(batchPage.text, `href="/jobs/job/?id=${jobId}"`)
      assert.strictEqual((yield* get(`${url}/streaming/batch/?id=99`)).status, 404)
      assert.strictEqual((yield* get(`${url}/streaming/batch/?id=abc`)).status, 400)

      // Stopped, the tab is detached (Spark's StreamingTab.detach); the SparkContext's UI stays.
      yield* ssc.stop({ stopSparkContext: false })
      assert.strictEqual((yield* get(`${url}/streaming/`)).status, 404)
      assert.strictEqual((yield* get(`${api}/statistics`)).status, 404)
      assert.strictEqual((yield* get(`${url}/jobs/`)).status, 200)
    })))

  it("receivers: status, executor, rate per batch and last error, in the table (escaped) and the REST API", () => {
    const listener = StreamingJobProgressListener.make(
      SparkConf.make({}),
      1000
    ) as StreamingJobProgressListener.StreamingJobProgressListener
    const ui = SparkUI.make({
      appStatus: undefined as never,
      application: () => ({ id: "app-1", name: "receivers", startTime: 0, endTime: undefined, sparkUser: "me", appSparkVersion: "0.1.0" }),
      environment: () => ({ runtime: { nodeVersion: "", nodeExecPath: "", platform: "" }, sparkProperties: [], systemProperties: [] }),
      refreshMs: 0,
      now: () => 5000
    })
    StreamingTab.attach(ui, listener)
    const receiver = {
      streamId: 0,
      name: "SocketReceiver",
      active: true,
      location: "host-a",
      executorId: "1",
      lastErrorMessage: "",
      lastError: "",
      lastErrorTime: -1
    }
    listener.onStreamingStarted(0)
    listener.onReceiverStarted(receiver)
    listener.onReceiverError({ ...receiver, lastErrorMessage: "<i>refused</i>", lastError: "ECONNREFUSED", lastErrorTime: 1500 })
    for (const t of [1000, 2000]) {
      const batch: BatchInfo = {
        batchTime: t,
        streamIdToInputInfo: new Map([[0, { inputStreamId: 0, numRecords: t / 100, metadata: {} }]]),
        submissionTime: t,
        processingStartTime: t,
        processingEndTime: t + 1,
        outputOperationInfos: new Map(),
        schedulingDelay: 0,
        processingDelay: 1,
        totalDelay: 1,
        numRecords: t / 100
      }
      listener.onBatchSubmitted(batch)
      listener.onBatchStarted(batch)
      listener.onBatchCompleted(batch)
    }
    const api = (path: string) => {
      const response = ui.handle({ method: "GET", path: `/api/v1/applications/app-1/streaming/${path}`, query: new URLSearchParams() })
      return { status: response.status, json: JSON.parse(String(response.body)) as Json }
    }
    assert.deepStrictEqual(api("receivers/0").json, {
      streamId: 0,
      streamName: "SocketReceiver",
      isActive: true,
      executorId: "1",
      executorHost: "host-a",
      lastErrorTime: apiDate(1500),
      lastErrorMessage: "<i>refused</i>",
      lastError: "ECONNREFUSED",
      avgEventRate: 15,
      eventRates: [[1000, 10], [2000, 20]]
    })
    assert.deepStrictEqual(api("receivers").json, [api("receivers/0").json])
    assert.strictEqual(api("statistics").json.numActiveReceivers, 1)
    const page = String(ui.handle({ method: "GET", path: "/streaming/", query: new URLSearchParams() }).body)
    assert.match(page, /id="receivers" data-rows="1"/)
    assert.include(page, "&lt;i&gt;refused&lt;/i&gt;")
    assert.include(page, `id="chart-receivers-input-rate"`)
  })

  it.effect("no web UI (spark.ui.enabled=false): no tab, no progress listener", () =>
    Effect.scoped(Effect.gen(function*() {
      const { sc, ssc } = yield* makeStreaming({ checkpoint: false })
      ssc.queueStream([], true, sc.parallelize([1], 1)).foreachRDD((rdd) => Effect.asVoid(rdd.count()))
      yield* Testing.runToBatch(ssc, 1)
      assert.isUndefined(sc.ui)
      yield* ssc.stop()
    })))

  it.effect(
    "10,000 batches through the store with the tab attached keep retainedBatches; the tab keeps nothing per batch",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const made = StreamingJobProgressListener.make(SparkConf.make({ "spark.streaming.ui.retainedBatches": "50" }), 1000)
        assert.instanceOf(made, StreamingJobProgressListener.StreamingJobProgressListener)
        const listener = made as StreamingJobProgressListener.StreamingJobProgressListener
        const { sc } = yield* makeStreaming({ checkpoint: false })
        const ui = SparkUI.make({
          appStatus: sc.statusStore,
          application: () => ({
            id: "app-1",
            name: "bounded",
            startTime: 0,
            endTime: undefined,
            sparkUser: "me",
            appSparkVersion: "0.1.0"
          }),
          environment: () => ({ runtime: { nodeVersion: "", nodeExecPath: "", platform: "" }, sparkProperties: [], systemProperties: [] }),
          now: () => 10_000_000
        })
        const url = yield* SparkUI.serve(ui, { host: "127.0.0.1", port: 0, maxRetries: 0 })
        StreamingTab.attach(ui, listener)
        const tabBefore = JSON.stringify(ui.tabs.map((t) => Object.keys(t)))
        listener.onStreamingStarted(0)
        for (let i = 1; i <= 10_000; i++) {
          const t = i * 1000
          const op = (end: number | undefined): OutputOperationInfo => ({
            batchTime: t,
            id: 0,
            name: "foreachRDD",
            description: "",
            startTime: t,
            endTime: end,
            failureReason: undefined
          })
          const batch = (start: number | undefined, end: number | undefined, ops: ReadonlyMap<number, OutputOperationInfo>): BatchInfo => ({
            batchTime: t,
            streamIdToInputInfo: new Map([[0, { inputStreamId: 0, numRecords: 3, metadata: {} }]]),
            submissionTime: t,
            processingStartTime: start,
            processingEndTime: end,
            outputOperationInfos: ops,
            schedulingDelay: start === undefined ? undefined : start - t,
            processingDelay: start === undefined || end === undefined ? undefined : end - start,
            totalDelay: end === undefined ? undefined : end - t,
            numRecords: 3
          })
          listener.onBatchSubmitted(batch(undefined, undefined, new Map()))
          listener.onBatchStarted(batch(t, undefined, new Map()))
          listener.onOutputOperationStarted(op(undefined))
          listener.onJobStart({
            _tag: "JobStart",
            time: t,
            stageInfos: [],
            jobId: i,
            properties: new Map([["spark.streaming.internal.batchTime", String(t)], ["spark.streaming.internal.outputOpId", "0"]])
          })
          listener.onOutputOperationCompleted(op(t + 5))
          listener.onBatchCompleted(batch(t, t + 5, new Map([[0, op(t + 5)]])))
          // The page and the API read it now and then, as a browser polling would.
          if (i % 2500 === 0) assert.strictEqual((yield* get(`${url}/streaming/`)).status, 200)
        }
        assert.deepStrictEqual(listener.sizes(), { completed: 50, unprocessed: 0, liveOutputOperations: 0, batchJobIds: 50 })
        const batches = (yield* getJson(`${url}/api/v1/applications/app-1/streaming/batches`)).json
        assert.strictEqual(batches.length, 50)
        assert.strictEqual(batches[0].batchId, 10_000_000)
        assert.deepStrictEqual((yield* getJson(`${url}/api/v1/applications/app-1/streaming/batches/10000000/operations`)).json[0].jobIds, [
          10_000
        ])
        const stats = (yield* getJson(`${url}/api/v1/applications/app-1/streaming/statistics`)).json
        assert.strictEqual(stats.numTotalCompletedBatches, 10_000)
        assert.strictEqual(stats.numRetainedCompletedBatches, 50)
        const page = yield* get(`${url}/streaming/`)
        assert.match(page.text, /id="completed-batches" data-rows="50"/)
        // The tab is a fixed set of functions over the listener: nothing was added to it per batch.
        assert.strictEqual(JSON.stringify(ui.tabs.map((t) => Object.keys(t))), tabBefore)
      })),
    120_000
  )
})
