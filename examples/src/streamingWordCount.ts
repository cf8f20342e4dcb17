/**
 * The streaming word count: a textFileStream over a real directory, counted
 * per batch and over a sliding window, printed like Spark's `print()`.
 *
 *   npm run demo                       # feeds a temp directory itself, 6 batches, then stops
 *   npm run demo -- --watch DIR        # watches DIR until Ctrl-C (graceful stop)
 *
 * Without --watch, a feeder writes one file per second into a new temporary
 * directory (lines of examples/data/streaming.txt), so the demo shows files
 * arriving while the context runs and stops by itself.
 */
import { SparkContext } from "@tspark/core"
import { StreamingContext } from "@tspark/streaming"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const here = path.dirname(fileURLToPath(import.meta.url))
const watchIndex = process.argv.indexOf("--watch")
const watched = watchIndex >= 0 ? process.argv[watchIndex + 1] : undefined
const batches = 6

const program = Effect.gen(function*() {
  const directory = watched ?? fs.mkdtempSync(path.join(os.tmpdir(), "tspark-demo-"))
  const sc = yield* SparkContext.make({ master: "local[2]", appName: "streaming word count" })
  const ssc = yield* StreamingContext.make(sc, { batchDuration: "1 second", stopGracefullyOnShutdown: true })

  const words = ssc.textFileStream(directory)
    .flatMap((line) => line.toLowerCase().split(/[^a-z']+/))
    .filter((word) => word.length > 0)
  const pairs = words.map((word) => [word, 1] as const)

  // Per batch: the words of the files that arrived in that second.
  pairs.reduceByKey((a, b) => a + b).transform((rdd) => rdd.filter(([, n]) => n > 1)).print(5)
  // Over the last 3 seconds, every second.
  pairs.reduceByKeyAndWindow((a, b) => a + b, "3 seconds", "1 second")
    .foreachRDD((rdd, time) =>
      Effect.gen(function*() {
        const top = yield* rdd.top(3, (a, b) => a[1] - b[1] || (a[0] < b[0] ? 1 : -1))
        console.log(`window ending ${new Date(time).toISOString()}: top ${top.map(([w, n]) => `${w}=${n}`).join(" ")}\n`)
      })
    )

  yield* ssc.start()
  console.log(`watching ${directory} (1 s batches)`)
  if (watched !== undefined) {
    yield* ssc.awaitTermination()
    return
  }
  // The feeder: one new file per second while the context runs.
  const lines = fs.readFileSync(path.join(here, "..", "data", "streaming.txt"), "utf8").split("\n").filter((l) => l.length > 0)
  for (let i = 0; i < batches - 1; i++) {
    const chunk = lines.slice(i * 4, i * 4 + 4).join("\n") + "\n"
    const temp = path.join(directory, `.part-${i}.tmp`)
    fs.writeFileSync(temp, chunk)
    fs.renameSync(temp, path.join(directory, `part-${i}.txt`)) // appear atomically, as Spark asks of file sources
    yield* Effect.sleep("1 second")
  }
  yield* Effect.sleep("1 second")
  yield* ssc.stop({ stopSparkContext: true, stopGracefully: true })
  fs.rmSync(directory, { recursive: true, force: true })
})

Effect.runPromise(Effect.scoped(program)).catch((error) => {
  console.error(error)
  process.exitCode = 1
})
