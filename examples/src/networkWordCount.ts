/**
 * Spark's NetworkWordCount: a socketTextStream whose receiver runs on an
 * executor, word counts per batch and over a sliding window, and the
 * receiver's input rate per batch.
 *
 *   npm run demo                               # serves lines itself on loopback, 8 batches, then stops gracefully
 *   npm run demo -- --host HOST --port PORT    # reads a server you run (e.g. `nc -lk 9999`) until Ctrl-C
 *   npm run demo -- --master local-cluster[2,1,512]   # the receiver on a worker-thread executor
 *
 * It prints the web UI's address (http://127.0.0.1:4040, or the next free
 * port): open its Streaming tab while the demo runs (with --port it runs
 * until Ctrl-C).
 *
 * Without --port, a small line server on 127.0.0.1 writes a few lines of
 * examples/data/streaming.txt every 100 ms, so the demo shows data arriving
 * while the context runs.
 */
import { SparkContext } from "@tspark/core"
import { StreamingContext } from "@tspark/streaming"
import { Effect } from "effect"
import { argument, serveLines, wordPairs } from "./networkLines.js"

const batches = 8

const program = Effect.gen(function*() {
  const givenPort = argument("--port")
  const local = givenPort === undefined ? yield* Effect.promise(serveLines) : undefined
  const host = argument("--host") ?? "127.0.0.1"
  const port = givenPort === undefined ? local!.port : Number(givenPort)
  const master = argument("--master") ?? "local[2]"
  const sc = yield* SparkContext.make({ master, appName: "NetworkWordCount", conf: { "spark.streaming.blockInterval": "200ms" } })
  const ssc = yield* StreamingContext.make(sc, { batchDuration: "1 second", stopGracefullyOnShutdown: true })

  const pairs = wordPairs(ssc.socketTextStream(host, port))
  // Per batch: the words received in that second.
  pairs.reduceByKey((a, b) => a + b).print(5)
  // Over the last 3 seconds, every second.
  pairs.reduceByKeyAndWindow((a, b) => a + b, "3 seconds", "1 second")
    .foreachRDD((rdd, time) =>
      Effect.gen(function*() {
        const top = yield* rdd.top(3, (a, b) => a[1] - b[1] || (a[0] < b[0] ? 1 : -1))
        console.log(`window ending ${new Date(time).toISOString()}: top ${top.map(([w, n]) => `${w}=${n}`).join(" ")}`)
      })
    )
  yield* ssc.addStreamingListener({
    onReceiverStarted: (info) => console.log(`receiver ${info.name} for stream ${info.streamId} started on executor ${info.executorId}`),
    onReceiverError: (info) => console.log(`receiver for stream ${info.streamId}: ${info.lastErrorMessage}`),
    onBatchCompleted: (batch) => {
      for (const input of batch.streamIdToInputInfo.values()) {
        const limit = input.metadata["rateLimit"]
        console.log(
          `batch ${new Date(batch.batchTime).toISOString()}: stream ${input.inputStreamId} received ${input.numRecords} lines ` +
            `(${input.numRecords} lines/s${typeof limit === "number" ? `, backpressure limit ${Math.round(limit)}/s` : ""}), ` +
            `processing ${batch.processingDelay ?? 0} ms\n`
        )
      }
    }
  })

  yield* ssc.start()
  console.log(`reading lines from ${host}:${port} (1 s batches, master ${master})`)
  // The web UI (spark.ui.enabled, on by default): its Streaming tab shows these batches while the demo runs.
  console.log(
    sc.uiWebUrl === undefined
      ? "web UI off (spark.ui.enabled=false)"
      : `web UI at ${sc.uiWebUrl} (Streaming tab: ${sc.uiWebUrl}/streaming/)`
  )
  if (local === undefined) {
    yield* ssc.awaitTermination()
    return
  }
  yield* Effect.sleep(`${batches} seconds`)
  yield* ssc.stop({ stopSparkContext: true, stopGracefully: true })
  local.close()
})

Effect.runPromise(Effect.scoped(program)).catch((error) => {
  console.error(error)
  process.exitCode = 1
})
