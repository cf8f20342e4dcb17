/**
 * Streaming word count benchmark, 100 ms batches, on the shared harness
 * (interleaved rounds, one child process per sample; see harness.ts). Sides:
 *   - RxJS: bufferTime(100) and a reduce of each buffer into a Map;
 *   - a hand-written loop counting each batch's words into a Map with
 *     `split` (the engine job's tokenizing), and one with a `charCodeAt` scan
 *     (the fastest honest single-threaded loop, wordScan.ts);
 *   - the engine: a StreamingContext on the real clock, queue input,
 *     flatMap -> map -> reduceByKey -> collect per batch, on `local[1]` and
 *     on two worker-thread executors (`local-cluster[2,1,1024]`, each batch
 *     split into one partition per executor), one SparkContext per sample
 *     (a StreamingContext per probe), so executors start once;
 *   - the engine on two executors with its input already on them: the same
 *     queue RDDs cached and computed before the stream starts, so no record
 *     goes through the driver (as with a receiver's blocks, though held as
 *     objects, so nothing is decoded: an upper bound); its rate only
 *     (streamingWorkload.ts `Input`).
 * A sample of a side (after one unmeasured warm-up probe) measures two things:
 *   1. the largest sustained rate: each rate is tried over several batches;
 *      it is sustained when the slowest batch but one finishes within the
 *      batch interval; a binary search finds the largest (the value the
 *      ratios compare, against RxJS and the loop);
 *   2. end-to-end latency at half the side's own sustained rate (or at one
 *      rate for every side with --latency-rate, words/s; a rate above a
 *      side's sustained rate only measures its growing backlog): from a
 *      record being stored to its batch's output completing
 *      (streamingLatency.ts); median and p99 over every round's records.
 *
 *   npm run bench:streaming
 *   npm run bench:streaming -- --rounds 3 --latency-rate 100000 --latency-seconds 5 --master local[1]
 */
import { bufferTime, Subject } from "rxjs"
import { argument, flag, numberArgument, runBenchmark, type Sample, type Side } from "./harness.js"
import { engineLatency, type LatencyRun, loopLatency, rxjsLatency } from "./streamingLatency.js"
import { BATCH_MS, BATCHES, makeLines, search, sustained, withEngine } from "./streamingWorkload.js"
import { scanLines } from "./wordScan.js"

const latencyRate = flag("latency-rate") ? numberArgument("latency-rate", 1) : undefined
const latencySeconds = numberArgument("latency-seconds", 5)
const masters = flag("master") ? [argument("master", "local[1]")] : ["local[1]", "local-cluster[2,1,1024]"]

const countLoop = (lines: ReadonlyArray<string>) => {
  const counts = new Map<string, number>()
  for (const line of lines) for (const word of line.split(" ")) counts.set(word, (counts.get(word) ?? 0) + 1)
  return counts
}

const loopSustains = (count: (lines: ReadonlyArray<string>) => unknown) => async (rate: number) => {
  const batches = Array.from({ length: BATCHES }, () => makeLines((rate * BATCH_MS) / 1000))
  const times = batches.map((lines) => {
    const start = performance.now()
    count(lines)
    return performance.now() - start
  })
  return sustained(times)
}

const rxjsSustains = (rate: number) =>
  new Promise<boolean>((resolve) => {
    const batches = Array.from({ length: BATCHES }, () => makeLines((rate * BATCH_MS) / 1000))
    const subject = new Subject<string>()
    const times: Array<number> = []
    let pushTime = 0
    const subscription = subject.pipe(bufferTime(BATCH_MS)).subscribe((buffer) => {
      if (buffer.length === 0) return
      const start = performance.now()
      buffer.reduce((counts, line) => {
        for (const word of line.split(" ")) counts.set(word, (counts.get(word) ?? 0) + 1)
        return counts
      }, new Map<string, number>())
      // Buffers need not line up with the feeder's batches: scale to one batch's worth of lines.
      times.push(((pushTime + performance.now() - start) * batches[0]!.length) / buffer.length)
      if (times.length === BATCHES) {
        subscription.unsubscribe()
        resolve(sustained(times))
      }
    })
    let i = 0
    const feed = () => {
      if (i >= batches.length) return
      const pushStart = performance.now()
      for (const line of batches[i++]!) subject.next(line)
      pushTime = performance.now() - pushStart
      setTimeout(feed, BATCH_MS)
    }
    feed()
  })

/** A side's sample: its largest sustained rate, then (given `latency`) its latencies at `latencyRate`. */
const sample = async (
  name: string,
  sustains: (rate: number) => Promise<boolean>,
  latency?: (rate: number, ms: number) => Promise<LatencyRun>
): Promise<Sample> => {
  // A fresh process is cold: one unmeasured probe first, or the search's first probe fails for the JIT's sake and caps the result.
  await sustains(100_000)
  const rate = await search(name, sustains)
  if (rate === 0) throw new Error(`${name} sustained no rate`)
  if (latency === undefined) return { value: rate / 1e6 }
  const atRate = latencyRate ?? rate / 2
  const run = await latency(atRate, latencySeconds * 1000)
  if (run.words !== run.wordsFed) throw new Error(`${name} counted ${run.words} words of ${run.wordsFed} fed`)
  return { value: rate / 1e6, extra: { "latency ms": run.latenciesMs, "latency run's M words/s": [atRate / 1e6] } }
}

const sides: Array<Side> = [
  { name: "rxjs bufferTime", baseline: true, sample: () => sample("rxjs bufferTime", rxjsSustains, rxjsLatency) },
  { name: "hand-written loop", baseline: true, sample: () => sample("hand-written loop", loopSustains(countLoop), loopLatency) },
  {
    name: "charCodeAt scan loop",
    baseline: true,
    sample: () => sample("charCodeAt scan loop", loopSustains(scanLines), (rate, ms) => loopLatency(rate, ms, scanLines))
  },
  ...masters.map((master): Side => ({
    name: `engine ${master}`,
    sample: () => withEngine(master, (sc, sustains) => sample(`engine ${master}`, sustains, (rate, ms) => engineLatency(sc, rate, ms)))
  })),
  // Input already on the executors (no latency: its records are placed before the run, none is stored during it).
  ...masters.filter((master) => master !== "local[1]").map((master): Side => ({
    name: `engine ${master}, input on executors`,
    sample: () => withEngine(master, (_, sustains) => sample(`engine ${master}, input on executors`, sustains), "executors")
  }))
]

runBenchmark(sides, {
  title: `streaming word count, ${BATCH_MS} ms batches, ${BATCHES} batches per rate probe; ` +
    `latency at ${
      latencyRate === undefined ? "half each side's sustained rate" : `${(latencyRate / 1e6).toFixed(2)}M words/s`
    } over ${latencySeconds} s a sample`,
  rounds: numberArgument("rounds", 3),
  inProcess: flag("in-process"),
  unit: "M words/s",
  higherIsBetter: true,
  ratioLabel: "side's sustained rate / baseline's"
}).catch((e) => {
  console.error(e)
  process.exitCode = 1
})
