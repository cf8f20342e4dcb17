/**
 * Batch word count over a generated file, the engine beside two hand-written
 * single-threaded baselines measured in the same run (see harness.ts for the
 * interleaved rounds, one child process per sample):
 *   - "per-core limit loop": the fastest honest single-threaded loop found
 *     on this machine (see `perCoreLimitLoop`);
 *   - "split + Map loop": Spark's canonical word count written by hand, reading
 *     the file the same chunked way;
 *   - "job-shaped loop": the engine's scan job written by hand (a string per
 *     line, `scanTokens`' array of words per line, a `[word, 1]` pair per
 *     word, a Map): what the job's shape costs with no engine at all, so the
 *     engine's ratio to it is the engine's own overhead.
 * The engine runs `textFile -> flatMap -> filter -> map -> reduceByKey ->
 * collect` with `split(" ")`, and a second form whose flatMap is
 * `scanTokens` (the per-core limit loop's charCodeAt scan, one array per
 * line; its ratio to the job-shaped loop is the engine's overhead, its ratio
 * to the per-core limit loop adds what the job's shape costs). A sample times the job only
 * (the context is built first, outside the timing). Every side must count
 * the same words. Ratios are baseline time / engine time: 0.9 means 90% of
 * the baseline's words/s.
 *
 *   npm run bench:wordcount                                  # 64 MB, 5 rounds, four masters
 *   npm run bench:wordcount -- --mb 32 --rounds 3 --master local[1] --in-process
 *   npm run bench:wordcount -- --warmup 2                    # steady state: two unmeasured runs first
 */
import { SparkContext } from "@tspark/core"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { argument, flag, numberArgument, runBenchmark, type Sample, type Side } from "./harness.js"
import { ensureTextFile } from "./textData.js"
import { scanTokens, scanWords } from "./wordScan.js"

const megabytes = numberArgument("mb", 64)
const file = ensureTextFile(path.join(os.tmpdir(), `tspark-bench-${megabytes}mb.txt`), megabytes * 1024 * 1024)
const masters = flag("master")
  ? [argument("master", "local[1]")]
  : ["local[1]", "local[2]", "local-cluster[2,1,1024]", "local-process[2,1,1024]"]

/** What every side must agree on: total words and distinct words. */
const checkOf = (words: number, distinct: number) => `${words} words, ${distinct} distinct`

/**
 * Unmeasured runs before the timed one in each sample (`--warmup K`, default
 * none): the same for every side, so that JIT warm-up (which the engine's
 * larger code path, and each fresh executor thread, pays longer than a tight
 * loop) is separated from the steady state a long-running job sees.
 */
const warmups = flag("warmup") ? numberArgument("warmup", 1) : 0

const timed = async (run: () => Promise<string> | string): Promise<Sample> => {
  for (let i = 0; i < warmups; i++) await run()
  const start = performance.now()
  const check = await run()
  return { value: performance.now() - start, check }
}

const CHUNK_BYTES = 64 * 1024

/**
 * Reads the file in 64 KB chunks and hands `each` the text of each chunk up
 * to its last newline, decoded as UTF-8 (a newline byte never sits inside a
 * multi-byte character, so this is exact; the tail carries into the next
 * chunk, and the file's last line gets its newline). Both hand loops read
 * this way: measured against the alternatives on this machine (32 MB, one
 * process per sample, loaded), readFileSync of the whole file ran 1.7-2.5x
 * slower (a 64 MB string and its slices stay live, so the GC works harder);
 * 16 KB and 256 KB chunks were within the noise of 64 KB, 1 MB chunks
 * slower; decoding as latin1 instead of UTF-8 was no faster (and would be
 * wrong for non-ASCII).
 */
const forEachChunkOfLines = (each: (text: string) => void): void => {
  const fd = fs.openSync(file, "r")
  // Room for a chunk plus the carried tail of the previous one (a line longer than a chunk grows it).
  let buffer = Buffer.allocUnsafe(2 * CHUNK_BYTES)
  let carried = 0
  for (;;) {
    if (buffer.length - carried < CHUNK_BYTES) buffer = Buffer.concat([buffer, Buffer.allocUnsafe(buffer.length)])
    const read = fs.readSync(fd, buffer, carried, CHUNK_BYTES, null)
    const filled = carried + read
    if (read === 0) {
      if (filled > 0) each(buffer.toString("utf8", 0, filled) + "\n")
      break
    }
    const lastNewline = buffer.lastIndexOf(10, filled - 1)
    if (lastNewline < 0) {
      carried = filled
      continue
    }
    each(buffer.toString("utf8", 0, lastNewline + 1))
    carried = filled - lastNewline - 1
    buffer.copy(buffer, 0, lastNewline + 1, filled)
  }
  fs.closeSync(fd)
}

/** The per-core limit: chunks of lines (`forEachChunkOfLines`) scanned with charCodeAt, each word sliced into a Map. */
const perCoreLimitLoop = (): string => {
  const counts = new Map<string, number>()
  let words = 0
  forEachChunkOfLines((text) => (words += scanWords(text, counts)))
  return checkOf(words, counts.size)
}

/**
 * Spark's canonical word count by hand, read as fast as the per-core limit
 * loop reads (chunks of lines), then `split` into lines and words, a Map: the
 * fastest honest form of the engine's `split` job, not a slower whole-file read.
 */
const splitLoop = (): string => {
  const counts = new Map<string, number>()
  let words = 0
  forEachChunkOfLines((text) => {
    const lines = text.split("\n")
    // The chunk ends with a newline: its last piece is empty, not a line.
    for (let l = 0; l < lines.length - 1; l++) {
      for (const word of lines[l]!.split(" ")) {
        if (word.length === 0) continue
        words++
        counts.set(word, (counts.get(word) ?? 0) + 1)
      }
    }
  })
  return checkOf(words, counts.size)
}

/**
 * The engine's scan job (`textFile -> flatMap(scanTokens) -> map -> reduceByKey`)
 * by hand: every line a string, every line's words an array, every word a pair.
 */
const jobShapedLoop = (): string => {
  const counts = new Map<string, number>()
  let words = 0
  forEachChunkOfLines((text) => {
    let from = 0
    for (let end = text.indexOf("\n"); end >= 0; end = text.indexOf("\n", from)) {
      const tokens = scanTokens(text.slice(from, end))
      from = end + 1
      for (let t = 0; t < tokens.length; t++) {
        const pair = [tokens[t]!, 1] as const
        counts.set(pair[0], (counts.get(pair[0]) ?? 0) + pair[1])
        words++
      }
    }
  })
  return checkOf(words, counts.size)
}

type Tokenizer = "split" | "scan"

const engineJob = (master: string, tokenizer: Tokenizer): Promise<Sample> =>
  Effect.runPromise(Effect.scoped(Effect.gen(function*() {
    const sc = yield* SparkContext.make({ master, appName: "bench-wordcount", conf: { "spark.ui.enabled": false } })
    // A job per run (warm-ups included), each over a new textFile RDD: nothing is cached between them.
    const count = Effect.suspend(() => {
      const lines = sc.textFile(file, sc.defaultParallelism * 2)
      const words = tokenizer === "split"
        ? lines.flatMap((line) => line.split(" ")).filter((word) => word.length > 0)
        : lines.flatMap(scanTokens)
      return words.map((word) => [word, 1] as const).reduceByKey((a, b) => a + b).collect()
    })
    for (let i = 0; i < warmups; i++) yield* count
    const start = performance.now()
    const counts = yield* count
    const value = performance.now() - start
    return { value, check: checkOf(counts.reduce((sum, [, n]) => sum + n, 0), counts.length) }
  })))

const sides: Array<Side> = [
  { name: "per-core limit loop", baseline: true, sample: () => timed(perCoreLimitLoop) },
  { name: "split + Map loop", baseline: true, sample: () => timed(splitLoop) },
  { name: "job-shaped loop", baseline: true, sample: () => timed(jobShapedLoop) },
  ...masters.flatMap((master): Array<Side> => [
    { name: `engine ${master} split`, sample: () => engineJob(master, "split") },
    { name: `engine ${master} scan`, sample: () => engineJob(master, "scan") }
  ])
]

runBenchmark(sides, {
  title: `word count over ${(fs.statSync(file).size / 1e6).toFixed(1)} MB (${file}), ${warmups} unmeasured warm-up runs per sample`,
  rounds: numberArgument("rounds", 5),
  inProcess: flag("in-process"),
  unit: "ms",
  higherIsBetter: false,
  ratioLabel: "throughput: baseline time / side time"
}).catch((e) => {
  console.error(e)
  process.exitCode = 1
})
