/**
 * Batch word count benchmark: `textFile -> flatMap -> map -> reduceByKey -> collect`
 * on the engine against a hand-written single loop over the same file, in the
 * same run. Prints words/s for both and the engine/loop time ratio.
 *
 *   npm run bench:wordcount                      # 64 MB, local[1] and local[2]
 *   npm run bench:wordcount -- --mb 128 --runs 5
 */
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { SparkContext } from "@tspark/core"
import { ensureTextFile } from "./textData.js"

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}

const megabytes = arg("mb", 64)
const runs = arg("runs", 3)
const file = ensureTextFile(path.join(os.tmpdir(), `tspark-bench-${megabytes}mb.txt`), megabytes * 1024 * 1024)
const bytes = fs.statSync(file).size

/** The baseline: read the file, split lines and words, count in a Map. */
const handWrittenLoop = (): number => {
  const counts = new Map<string, number>()
  let words = 0
  const text = fs.readFileSync(file, "utf8")
  for (const line of text.split("\n")) {
    for (const word of line.split(" ")) {
      if (word.length === 0) continue
      words++
      counts.set(word, (counts.get(word) ?? 0) + 1)
    }
  }
  return words
}

const engine = (master: string) =>
  Effect.scoped(Effect.gen(function*() {
    const sc = yield* SparkContext.make({ master })
    const times: Array<number> = []
    let words = 0
    for (let i = 0; i < runs; i++) {
      const start = performance.now()
      const counts = yield* sc.textFile(file, sc.defaultParallelism * 2)
        .flatMap((line) => line.split(" "))
        .filter((word) => word.length > 0)
        .map((word) => [word, 1] as const)
        .reduceByKey((a, b) => a + b)
        .collect()
      times.push(performance.now() - start)
      words = counts.reduce((sum, [, n]) => sum + n, 0)
    }
    return { words, ms: Math.min(...times) }
  }))

const time = (f: () => number) => {
  const times: Array<number> = []
  let result = 0
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    result = f()
    times.push(performance.now() - start)
  }
  return { words: result, ms: Math.min(...times) }
}

const main = async () => {
  console.log(`word count over ${(bytes / 1e6).toFixed(1)} MB, best of ${runs} runs, node ${process.version}, ${os.cpus().length} cores`)
  const loop = time(handWrittenLoop)
  const rate = (r: { words: number; ms: number }) => `${(r.words / r.ms / 1000).toFixed(2)}M words/s`
  console.log(`hand-written loop      ${loop.ms.toFixed(0).padStart(6)} ms  ${rate(loop)}`)
  for (
    const master of (process.argv.includes("--master")
      ? [process.argv[process.argv.indexOf("--master") + 1]!]
      : ["local[1]", "local[2]", "local-cluster[2,1,1024]", "local-process[2,1,1024]"])
  ) {
    const result = await Effect.runPromise(engine(master))
    if (result.words !== loop.words) throw new Error(`engine counted ${result.words} words, loop ${loop.words}`)
    console.log(
      `engine ${master.padEnd(15)} ${result.ms.toFixed(0).padStart(6)} ms  ${rate(result)}  ` +
        `time ratio engine/loop ${(result.ms / loop.ms).toFixed(2)}x`
    )
  }
}

main().catch((e) => {
  console.error(e)
  process.exitCode = 1
})
