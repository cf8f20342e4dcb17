/**
 * The history server over a streaming run's event log: a run on the test
 * clock with the event log and the live UI on (a failed output operation
 * in it) is served again by the history server with the streaming plugin,
 * and what both answer is the same: the streaming batches REST and the
 * completed-batches table's rows, the jobs and stages REST. Without the
 * plugin there is no Streaming tab (and a warning says which package is missing).
 */
import { assert, describe, it } from "@effect/vitest"
import { HistoryServer, SparkConf } from "@tspark/core"
import { Effect, Logger } from "effect"
import * as Testing from "../../src/testing/index.js"
import * as StreamingHistoryServerPlugin from "../../src/ui/StreamingHistoryServerPlugin.js"
import { makeStreaming, tempDir } from "../utils/streaming.js"

const get = (url: string) =>
  Effect.promise(async () => {
    const response = await fetch(url)
    return { status: response.status, text: await response.text() }
  })

/** The rows of the completed-batches table, links made relative to the UI's own root. */
const completedRows = (page: string, base: string) => {
  const table = /<table class="table" id="completed-batches"[\s\S]*?<\/table>/.exec(page)?.[0] ?? ""
  return (table.match(/<tr data-batch-time[\s\S]*?<\/tr>/g) ?? []).map((row) => row.split(base).join("/"))
}

describe("StreamingHistoryServerPlugin", () => {
  it.effect("the history server answers as the live UI did for the same streaming run: batches, their table, jobs, stages", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = yield* tempDir("tspark-history-streaming-")
      const conf = {
        "spark.eventLog.enabled": "true",
        "spark.eventLog.dir": dir,
        "spark.ui.enabled": "true",
        "spark.ui.port": "0",
        "spark.streaming.ui.retainedBatches": "4"
      }
      const { sc, ssc } = yield* makeStreaming({ checkpoint: false, conf })
      const input = ssc.queueStream(Array.from({ length: 6 }, (_, i) => sc.parallelize(Array.from({ length: i + 1 }, (_, j) => j), 1)))
      input.foreachRDD((rdd) => Effect.asVoid(rdd.count()))
      input.foreachRDD((rdd, time) => time === 3000 ? Effect.die(new Error("<b>sink down</b> at 3000")) : Effect.asVoid(rdd.count()))
      yield* Testing.runToBatch(ssc, 2)
      yield* Testing.advanceBatchesThroughFailures(ssc, 4)
      yield* ssc.waitForListeners()
      yield* sc.waitForListeners()
      const appId = sc.applicationId
      const live = sc.uiWebUrl!
      const paths = [
        `/api/v1/applications/${appId}/streaming/batches`,
        `/api/v1/applications/${appId}/jobs`,
        `/api/v1/applications/${appId}/stages`
      ]
      const liveAnswers = []
      for (const p of paths) liveAnswers.push(yield* get(live + p))
      const livePage = (yield* get(`${live}/streaming/`)).text
      yield* ssc.stop()
      yield* sc.stop()

      const server = yield* HistoryServer.start({
        logDir: dir,
        port: 0,
        conf: SparkConf.make({ "spark.streaming.ui.retainedBatches": "4" }),
        plugins: [StreamingHistoryServerPlugin.plugin]
      })
      for (const [i, p] of paths.entries()) {
        const answer = yield* get(server.url + p)
        assert.strictEqual(answer.status, 200, p)
        assert.deepStrictEqual(JSON.parse(answer.text), JSON.parse(liveAnswers[i]!.text), p)
      }
      const batches = JSON.parse(liveAnswers[0]!.text) as ReadonlyArray<{ batchId: number; numFailedOutputOps: number }>
      assert.strictEqual(batches.length, 4, "the retained batches")
      assert.isTrue(batches.some((b) => b.batchId === 3000 && b.numFailedOutputOps === 1), "the failed output operation is kept")
      const history = yield* get(`${server.url}/history/${appId}/streaming/`)
      assert.strictEqual(history.status, 200)
      const liveRows = completedRows(livePage, "/")
      assert.strictEqual(liveRows.length, 4)
      assert.deepStrictEqual(completedRows(history.text, `/history/${appId}/`), liveRows)
      assert.include(history.text, `href="/history/${appId}/jobs/"`, "the tabs link into the application's prefix")
      const failedBatch = yield* get(`${server.url}/history/${appId}/streaming/batch/?id=3000`)
      assert.strictEqual(failedBatch.status, 200)
      assert.include(failedBatch.text, "&lt;b&gt;sink down&lt;/b&gt; at 3000")
      assert.notInclude(failedBatch.text, "<b>sink down</b>")
    })))

  it.effect("without the plugin the application has no Streaming tab, and a warning names @tspark/streaming", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = yield* tempDir("tspark-history-noplugin-")
      const { sc, ssc } = yield* makeStreaming({ checkpoint: false, conf: { "spark.eventLog.enabled": "true", "spark.eventLog.dir": dir } })
      ssc.queueStream([sc.parallelize([1, 2], 1)]).foreachRDD((rdd) => Effect.asVoid(rdd.count()))
      yield* Testing.runToBatch(ssc, 1)
      yield* ssc.stop()
      const appId = sc.applicationId
      yield* sc.stop()
      const warnings: Array<string> = []
      const capture = Logger.make(({ logLevel, message }) => {
        if (logLevel === "Warn") warnings.push(String(Array.isArray(message) ? message.join(" ") : message))
      })
      const server = yield* HistoryServer.start({ logDir: dir, port: 0 })
      const jobs = yield* server.handle({ method: "GET", path: `/history/${appId}/streaming/`, query: new URLSearchParams() }).pipe(
        Effect.provide(Logger.layer([capture]))
      )
      assert.strictEqual(jobs.status, 404)
      assert.isTrue(warnings.some((w) => w.includes("@tspark/streaming")), warnings.join("\n"))
    })))
})
