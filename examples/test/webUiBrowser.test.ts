/**
 * The web UI in a real browser (Debian's chromium, headless, driven by
 * playwright-core) while an application runs: a streaming word count on the
 * test clock, so the counts on the pages are exact while the browser looks.
 *   - the Streaming tab lists the batches that ran, and each timeline chart
 *     drew one point per batch;
 *   - a failed output operation shows its error on its batch page;
 *   - the DAG of a job with two shuffles has three stages;
 *   - an application name holding a <script> is shown as text, never run.
 * Screenshots go to test-artifacts/web-ui/.
 */
import { assert, describe, it } from "@effect/vitest"
import { SparkContext } from "@tspark/core"
import { StreamingContext } from "@tspark/streaming"
import * as Testing from "@tspark/streaming/testing"
import { type HeadlessBrowser, launchHeadlessBrowser } from "@tspark/testkit"
import { Effect } from "effect"
import type { Page } from "playwright-core"

const appName = `<script>window.__injected = true</script>word count`
const batches = 6
const failingBatchTime = 3000

const browser = Effect.acquireRelease(
  Effect.promise(() => launchHeadlessBrowser("web-ui")),
  (b: HeadlessBrowser) => Effect.promise(() => b.close())
)
const visit = (b: HeadlessBrowser, url: string) => Effect.promise(() => b.open(url))
const attribute = (page: Page, selector: string, name: string) =>
  Effect.promise(async () => {
    await page.waitForSelector(selector, { timeout: 20_000 })
    return page.getAttribute(selector, name)
  })
const shot = (b: HeadlessBrowser, page: Page, name: string) => Effect.promise(() => b.screenshot(page, name))

describe("the web UI in a browser", () => {
  it.effect(
    "Streaming tab, batch page with a failure, a two-shuffle job's DAG, an escaped app name",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const sc = yield* SparkContext.make({
          master: "local[2]",
          appName,
          conf: { "spark.ui.enabled": true, "spark.ui.port": 0 }
        })
        const url = sc.uiWebUrl
        assert.isDefined(url)

        // A batch job with two shuffles: three stages.
        const words = ["a", "b", "a", "c", "b", "a", "d"]
        const byCount = yield* sc.parallelize(words, 3)
          .map((w) => [w, 1] as const)
          .reduceByKey((a, b) => a + b, 2)
          .map(([w, n]) => [n, w] as const)
          .groupByKey(2)
          .collect()
        assert.deepStrictEqual(byCount.map(([n, ws]) => [n, [...ws].sort()]).sort(), [[1, ["c", "d"]], [2, ["b"]], [3, ["a"]]])

        const ssc = yield* StreamingContext.make(sc, { batchDuration: 1000 })
        const lines = ssc.queueStream(Array.from({ length: batches }, (_, i) => sc.parallelize([`the quick fox ${i}`, "jumps"], 2)))
        lines.flatMap((line) => line.split(" ")).map((w) => [w, 1] as const).reduceByKey((a, b) => a + b).foreachRDD((rdd) =>
          Effect.asVoid(rdd.collect())
        )
        lines.foreachRDD((rdd, time) =>
          time === failingBatchTime ? Effect.die(new Error("the sink refused batch 3000")) : Effect.asVoid(rdd.count())
        )
        yield* Testing.runToBatch(ssc, 2)
        yield* Testing.advanceBatchesThroughFailures(ssc, batches - 2)
        yield* ssc.waitForListeners()
        yield* sc.waitForListeners()

        const b = yield* browser

        // The Streaming tab: one row per batch, one point per batch in each timeline.
        const streaming = yield* visit(b, `${url}/streaming/?refresh=0`)
        assert.strictEqual(yield* attribute(streaming, "#completed-batches", "data-rows"), String(batches))
        for (const chart of ["processing-time", "scheduling-delay", "total-delay", "input-rate"]) {
          const selector = `#chart-${chart}-timeline[data-drawn="true"]`
          assert.strictEqual(yield* attribute(streaming, selector, "data-points"), String(batches), chart)
        }
        const failedRow = `#completed-batches tr[data-batch-time="${failingBatchTime}"]`
        assert.strictEqual(yield* attribute(streaming, failedRow, "data-failed-ops"), "1")
        yield* shot(b, streaming, "streaming-tab")

        // The failed batch's page: its failed output operation and the error.
        yield* Effect.promise(() => streaming.click(`${failedRow} a`))
        const failedOp = `#output-operations td.failure[data-output-op-id="1"]`
        yield* Effect.promise(() => streaming.waitForSelector(failedOp))
        assert.include(yield* Effect.promise(() => streaming.textContent(failedOp)), "the sink refused batch 3000")
        assert.strictEqual(yield* Effect.promise(() => streaming.textContent(`#output-operations td.failure[data-output-op-id="0"]`)), "")
        yield* shot(b, streaming, "batch-page-failure")

        // The two-shuffle job's page: its DAG has three stages.
        const job = yield* visit(b, `${url}/jobs/job/?id=0&refresh=0`)
        assert.strictEqual(yield* attribute(job, "svg.dag", "data-stages"), "3")
        const clusters = yield* Effect.promise(() => job.locator("svg.dag g.stage-cluster").count())
        assert.strictEqual(clusters, 3)
        yield* shot(b, job, "job-dag")

        // The application's name is text on the page; its script never ran.
        const jobs = yield* visit(b, `${url}/jobs/?refresh=0`)
        const header = yield* Effect.promise(() => jobs.textContent("body"))
        assert.include(header, "<script>window.__injected = true</script>word count")
        const injected = yield* Effect.promise(() => jobs.evaluate(() => (globalThis as unknown as { __injected?: boolean }).__injected))
        assert.isUndefined(injected)
        yield* shot(b, jobs, "jobs-page")
      })),
    120_000
  )
})
