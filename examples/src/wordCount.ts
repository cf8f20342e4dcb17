/**
 * The batch word count: textFile -> flatMap -> map -> reduceByKey, then the
 * top words, with the stages of each job as the DAG scheduler ran them.
 *
 *   npm run demo                    # counts examples/data/streaming.txt
 *   npm run demo -- path/to/file    # counts your own file
 */
import { SparkContext } from "@tspark/core"
import { Effect } from "effect"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const here = path.dirname(fileURLToPath(import.meta.url))
const input = process.argv[2] ?? path.join(here, "..", "data", "streaming.txt")

const program = Effect.gen(function*() {
  const sc = yield* SparkContext.make({ master: "local[2]", appName: "word count" })
  const jobStages = new Map<number, Array<{ readonly stageId: number; readonly name: string }>>()
  const ran = new Set<number>()
  sc.addSparkListener({
    onJobStart: (e) => {
      jobStages.set(e.jobId, e.stageInfos.map((s) => ({ stageId: s.stageId, name: s.name })))
      console.log(`job ${e.jobId}: ${e.stageInfos.length} stage(s)`)
    },
    onStageCompleted: ({ stageInfo: s }) => {
      ran.add(s.stageId)
      console.log(`  stage ${s.stageId}: ${s.name}, ${s.numTasks} tasks, ${(s.completionTime ?? 0) - (s.submissionTime ?? 0)} ms`)
    },
    onJobEnd: (e) => {
      // Stages whose shuffle output an earlier job already wrote are skipped.
      for (const s of jobStages.get(e.jobId) ?? []) if (!ran.has(s.stageId)) console.log(`  stage ${s.stageId}: ${s.name}, skipped`)
    }
  })

  const counts = sc.textFile(input, 2)
    .flatMap((line) => line.toLowerCase().split(/[^a-z']+/))
    .filter((word) => word.length > 0)
    .map((word) => [word, 1] as const)
    .reduceByKey((a, b) => a + b)

  console.log("lineage:")
  console.log(counts.toDebugString())

  const total = yield* counts.values().fold(0, (a, b) => a + b)
  const top = yield* counts.top(10, (a, b) => a[1] - b[1] || (a[0] < b[0] ? 1 : -1))
  yield* sc.waitForListeners()

  console.log(`\n${total} words in ${input}; the top ten:`)
  for (const [word, count] of top) console.log(`  ${String(count).padStart(5)}  ${word}`)
})

Effect.runPromise(Effect.scoped(program)).catch((error) => {
  console.error(error)
  process.exitCode = 1
})
