/**
 * The application the crash test kills, run in a child process:
 * `tsx crashApp.ts <port> <postgres url> <checkpoint dir> <diagnostics dir>`. A reliable
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
import { diagnosticsFile, logEvent, ranges } from "./crashLog.js"
import { ReliableLineReceiver } from "./reliableLineReceiver.js"

/** The highest sequence number counted so far, and the lines (seq, word) this batch counted first. */
interface Fresh {
  readonly high: number
  readonly words: ReadonlyArray<readonly [number, string]>
}

const [port, url, checkpointDir, diagnosticsDir] = process.argv.slice(2)
if (port === undefined || url === undefined || checkpointDir === undefined || diagnosticsDir === undefined) {
  throw new Error("usage: crashApp.ts <port> <postgres url> <checkpoint dir> <diagnostics dir>")
}
const diagnostics = diagnosticsFile(diagnosticsDir)

/**
 * Keeps the lines above the highest sequence number counted so far. The
 * source sends lines in order and a run is acknowledged only once it is
 * stored, so what a batch receives again is at or below that number. Each
 * call is noted in the diagnostic trail (a batch's state may be computed more
 * than once: recovery, checkpointing).
 */
const dropResent = (lines: Array<string>, previous: Fresh | undefined): Fresh => {
  let high = previous?.high ?? 0
  const numbered = lines.map((line) => [Number(line.slice(0, line.indexOf(" "))), line.slice(line.indexOf(" ") + 1)] as const)
  numbered.sort((a, b) => a[0] - b[0])
  const words: Array<readonly [number, string]> = []
  const dropped: Array<number> = []
  for (const [seq, word] of numbered) {
    if (seq <= high) {
      dropped.push(seq)
      continue
    }
    words.push([seq, word])
    high = seq
  }
  if (lines.length > 0) {
    logEvent(
      diagnostics,
      `state high ${previous?.high ?? 0} -> ${high}: kept ${ranges(words.map(([seq]) => seq))} dropped ${ranges(dropped)}`
    )
  }
  return { high, words }
}

/** Adds a partition's counts to the totals and notes which sequence numbers it counted, in the same transaction. */
const writeCounts = async (
  client: pg.PoolClient,
  counts: ReadonlyArray<readonly [string, ReadonlyArray<number>]>,
  marker: TransactionalOutput.CommitMarker
): Promise<void> => {
  await upsertWordCounts(client, counts.map(([word, seqs]) => [word, seqs.length] as const))
  const seqs = counts.flatMap(([, s]) => s)
  await client.query(
    "INSERT INTO counted_seqs (seq, batch_time, part) SELECT s, $2, $3 FROM unnest($1::int[]) AS s",
    [seqs, marker.batchTime, marker.partition]
  )
}

const program = Effect.gen(function*() {
  const pool = new pg.Pool({ connectionString: url, max: 4 })
  pool.on("error", () => undefined)
  yield* createTables(pool)
  yield* Effect.promise(() =>
    pool.query("CREATE TABLE IF NOT EXISTS counted_seqs (seq integer NOT NULL, batch_time bigint NOT NULL, part integer NOT NULL)")
  )
  logEvent(diagnostics, "application starts")
  const sc = yield* SparkContext.make({
    master: "local[2]",
    appName: "CrashTest",
    conf: { "spark.streaming.blockInterval": "50ms", "spark.streaming.receiver.writeAheadLog.enable": true }
  })
  const create = () =>
    Effect.gen(function*() {
      const ssc = yield* StreamingContext.make(sc, { batchDuration: 200 })
      yield* ssc.checkpoint(checkpointDir)
      const output = yield* TransactionalOutput.make({ name: outputName, sink: postgresSink(pool), write: writeCounts })
      ssc.receiverStream(new ReliableLineReceiver("127.0.0.1", Number(port), diagnostics))
        .map((line) => ["source", line] as [string, string])
        .updateStateByKey(dropResent, 1)
        .checkpoint(1000)
        .flatMap(([, fresh]) => fresh.words)
        .map(([seq, word]) => [word, [seq]] as [string, ReadonlyArray<number>])
        .reduceByKey((a, b) => [...a, ...b], 2)
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
