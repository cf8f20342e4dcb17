/**
 * The application the crash test kills, run in a child process:
 * `tsx crashApp.ts <port> <postgres url> <checkpoint dir>`. A reliable
 * receiver over real TCP with the receiver write-ahead log on, the lines
 * the source sent again after a restart dropped by sequence number (state,
 * recovered from the checkpoint), each batch's word counts added to the
 * running totals in PostgreSQL through TransactionalOutput. It runs until
 * it is killed; it prints `started` once the context runs.
 */
import { SparkContext } from "@tspark/core"
import { StreamingContext, TransactionalOutput } from "@tspark/streaming"
import { Effect } from "effect"
import pg from "pg"
import { createTables, outputName, upsertWordCounts } from "../../src/exactlyOnceWordCountApp.js"
import { postgresSink } from "../../src/postgresSink.js"
import { ReliableLineReceiver } from "./reliableLineReceiver.js"

/** The highest sequence number counted so far, and the words of the lines this batch counted first. */
interface Fresh {
  readonly high: number
  readonly words: ReadonlyArray<string>
}

/**
 * Keeps the lines above the highest sequence number counted so far. The
 * source sends lines in order and a run is acknowledged only once it is
 * stored, so what a batch receives again is at or below that number.
 */
const dropResent = (lines: Array<string>, previous: Fresh | undefined): Fresh => {
  let high = previous?.high ?? 0
  const numbered = lines.map((line) => [Number(line.slice(0, line.indexOf(" "))), line.slice(line.indexOf(" ") + 1)] as const)
  numbered.sort((a, b) => a[0] - b[0])
  const words: Array<string> = []
  for (const [seq, word] of numbered) {
    if (seq <= high) continue
    words.push(word)
    high = seq
  }
  return { high, words }
}

const [port, url, checkpointDir] = process.argv.slice(2)
if (port === undefined || url === undefined || checkpointDir === undefined) {
  throw new Error("usage: crashApp.ts <port> <postgres url> <checkpoint dir>")
}

const program = Effect.gen(function*() {
  const pool = new pg.Pool({ connectionString: url, max: 4 })
  pool.on("error", () => undefined)
  yield* createTables(pool)
  const sc = yield* SparkContext.make({
    master: "local[2]",
    appName: "CrashTest",
    conf: { "spark.streaming.blockInterval": "50ms", "spark.streaming.receiver.writeAheadLog.enable": true }
  })
  const create = () =>
    Effect.gen(function*() {
      const ssc = yield* StreamingContext.make(sc, { batchDuration: 200 })
      yield* ssc.checkpoint(checkpointDir)
      const output = yield* TransactionalOutput.make({ name: outputName, sink: postgresSink(pool), write: upsertWordCounts })
      ssc.receiverStream(new ReliableLineReceiver("127.0.0.1", Number(port)))
        .map((line) => ["source", line] as [string, string])
        .updateStateByKey(dropResent, 1)
        .checkpoint(1000)
        .flatMap(([, fresh]) => fresh.words)
        .map((word) => [word, 1] as [string, number])
        .reduceByKey((a, b) => a + b, 2)
        .foreachRDD((rdd, time) => rdd.foreachPartition(output.writer(time)))
      return ssc
    })
  const ssc = yield* StreamingContext.getOrCreate(checkpointDir, create)
  yield* ssc.start()
  console.log("started")
  yield* ssc.awaitTermination()
})

Effect.runPromise(Effect.scoped(program)).catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
