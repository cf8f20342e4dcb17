/**
 * Backpressure on the real clock: a line server writes 3x what the job can
 * process (3,000 lines/s; a foreachRDD that takes 1 ms per line sustains
 * 1,000 lines/s), with `spark.streaming.backpressure.enabled`. Prints, per
 * 1 s batch, the records received, the rate limit in force and the
 * scheduling delay; then how many batches it took until the received rate
 * stayed within 10% of the sustainable rate, and the largest scheduling
 * delay seen. Without backpressure the delay would grow by ~2 s per batch.
 *
 *   npm run bench:backpressure                 # 30 batches
 *   npm run bench:backpressure -- --batches 60
 */
import { SparkContext } from "@tspark/core"
import { StreamingContext } from "@tspark/streaming"
import { Effect } from "effect"
import * as net from "node:net"

const argument = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(name)
  return index >= 0 ? Number(process.argv[index + 1]) : fallback
}
const BATCHES = argument("--batches", 30)
const SUSTAINABLE = 1000
const OFFERED = 3 * SUSTAINABLE

/** Writes OFFERED lines per second to every client, in 10 ms ticks. */
const pacedServer = (): Promise<{ readonly port: number; readonly close: () => void }> =>
  new Promise((resolve) => {
    const clients = new Set<net.Socket>()
    let next = 0
    const timer = setInterval(() => {
      let text = ""
      for (let i = 0; i < OFFERED / 100; i++) text += `line-${next++}\n`
      for (const client of clients) client.write(text)
    }, 10)
    const server = net.createServer((socket) => {
      clients.add(socket)
      socket.on("close", () => clients.delete(socket))
      socket.on("error", () => clients.delete(socket))
    })
    server.listen(0, "127.0.0.1", () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        close: () => {
          clearInterval(timer)
          for (const client of clients) client.destroy()
          server.close()
        }
      }))
  })

interface Row {
  readonly batchTime: number
  readonly records: number
  readonly rateLimit: number | undefined
  readonly schedulingDelay: number
}

const program = Effect.gen(function*() {
  const server = yield* Effect.acquireRelease(Effect.promise(pacedServer), (s) => Effect.sync(s.close))
  const sc = yield* SparkContext.make({
    master: "local[2]",
    appName: "bench backpressure",
    conf: {
      "spark.streaming.backpressure.enabled": "true",
      "spark.streaming.blockInterval": "100ms"
    }
  })
  const ssc = yield* StreamingContext.make(sc, { batchDuration: 1000 })
  const rows: Array<Row> = []
  ssc.socketTextStream("127.0.0.1", server.port).foreachRDD((rdd) =>
    Effect.flatMap(rdd.count(), (n) => Effect.sleep(Math.round((n * 1000) / SUSTAINABLE)))
  )
  yield* ssc.addStreamingListener({
    onBatchCompleted: (batch) => {
      const input = [...batch.streamIdToInputInfo.values()][0]
      const limit = input?.metadata["rateLimit"]
      rows.push({
        batchTime: batch.batchTime,
        records: input?.numRecords ?? 0,
        rateLimit: typeof limit === "number" ? limit : undefined,
        schedulingDelay: batch.schedulingDelay ?? 0
      })
      console.log(
        `batch ${rows.length.toString().padStart(3)}: ${String(input?.numRecords ?? 0).padStart(5)} records, ` +
          `rate limit ${typeof limit === "number" ? Math.round(limit).toString().padStart(5) : "    -"}/s, ` +
          `scheduling delay ${String(batch.schedulingDelay ?? 0).padStart(5)} ms`
      )
    }
  })
  yield* ssc.start()
  while (rows.length < BATCHES) yield* Effect.sleep(100)
  yield* ssc.stop()
  // Converged: from this batch on, every batch's records are within 10% of the sustainable rate.
  const within = (row: Row) => Math.abs(row.records - SUSTAINABLE) <= SUSTAINABLE * 0.1
  let converged = rows.length
  while (converged > 0 && within(rows[converged - 1]!)) converged--
  const maxDelay = Math.max(...rows.map((row) => row.schedulingDelay))
  console.log(`\noffered ${OFFERED} lines/s, sustainable ${SUSTAINABLE} lines/s, 1 s batches`)
  console.log(
    converged < rows.length
      ? `within 10% of the sustainable rate from batch ${converged + 1} on (of ${rows.length})`
      : `not within 10% of the sustainable rate by batch ${rows.length}`
  )
  console.log(`largest scheduling delay: ${maxDelay} ms; last batch's: ${rows.at(-1)!.schedulingDelay} ms`)
})

Effect.runPromise(Effect.scoped(program)).catch((error) => {
  console.error(error)
  process.exitCode = 1
})
