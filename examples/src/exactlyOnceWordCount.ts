/**
 * Spark's NetworkWordCount written exactly once to PostgreSQL: each batch's
 * word counts are added to running totals in a table `words`, every
 * partition in one transaction with its commit marker (TransactionalOutput),
 * and the application recovers from its checkpoint directory
 * (`StreamingContext.getOrCreate`), so a batch that runs again after a
 * restart adds nothing twice.
 *
 *   npm run -w @tspark/examples exactly-once-word-count -- --pg postgres://postgres@127.0.0.1:5432/test
 *       serves lines itself on loopback for 8 batches, stops gracefully, prints the top totals
 *   ... -- --pg URL --host HOST --port PORT    reads your line server (e.g. `nc -lk 9999`) until Ctrl-C
 *   ... -- --checkpoint DIR                    the checkpoint directory (default: tspark-exactly-once-word-count in the temp dir)
 *   ... -- --master MASTER --conf KEY=VALUE    the master (default local[2]) and Spark settings (--conf repeats)
 *
 * Run it again with the same checkpoint directory and it recovers from there.
 */
import { Effect } from "effect"
import * as os from "node:os"
import * as path from "node:path"
import { startWordCount } from "./exactlyOnceWordCountApp.js"
import { argument, confArguments, serveLines } from "./networkLines.js"

const batches = 8

const program = Effect.gen(function*() {
  const url = argument("--pg")
  if (url === undefined) {
    console.error("Give the database to write to: --pg postgres://USER@HOST:PORT/DATABASE")
    process.exitCode = 2
    return
  }
  const givenPort = argument("--port")
  const local = givenPort === undefined ? yield* Effect.acquireRelease(Effect.promise(serveLines), (s) => Effect.sync(s.close)) : undefined
  const host = argument("--host") ?? "127.0.0.1"
  const port = givenPort === undefined ? local!.port : Number(givenPort)
  const checkpointDir = argument("--checkpoint") ?? path.join(os.tmpdir(), "tspark-exactly-once-word-count")
  const master = argument("--master") ?? "local[2]"
  const conf = confArguments()

  const { pool, ssc } = yield* startWordCount({ host, port, pg: url, checkpointDir, master, conf })
  yield* ssc.addStreamingListener({
    onBatchCompleted: (batch) =>
      console.log(
        `batch ${new Date(batch.batchTime).toISOString()}: ${batch.numRecords} lines, processing ${batch.processingDelay ?? 0} ms`
      )
  })
  console.log(`reading lines from ${host}:${port}, writing word totals to ${url} (checkpoints in ${checkpointDir})`)
  if (local === undefined) {
    yield* ssc.awaitTermination()
  } else {
    yield* Effect.sleep(`${batches} seconds`)
    yield* ssc.stop({ stopSparkContext: true, stopGracefully: true })
  }
  const top = yield* Effect.promise(() =>
    pool.query<{ word: string; count: string }>("SELECT word, count FROM words ORDER BY count DESC, word LIMIT 10")
  )
  console.log(`top words in the table: ${top.rows.map((r) => `${r.word}=${r.count}`).join(" ")}`)
})

Effect.runPromise(Effect.scoped(program)).catch((error) => {
  console.error(error)
  process.exitCode = 1
})
