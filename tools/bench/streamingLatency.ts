/**
 * End-to-end latency of the streaming word count: from a record being stored
 * (handed to the side's input) to the completion of the output of the batch
 * that holds it. Every side gets the same feeder: pre-built slices of lines
 * stored every `SLICE_MS` at `rate` words/s, so a record waits for its
 * batch's boundary (0 to `BATCH_MS`) and then for the batch's work. Slices
 * stored during the first `WARMUP_MS` are fed but not measured. A side tells
 * the `LatencyLog` how many lines each output covered; slices are consumed in
 * store order, so each slice's latency is its output's end minus its store.
 */
import type { RDD, SparkContext } from "@tspark/core"
import { StreamingContext } from "@tspark/streaming"
import { Effect } from "effect"
import { bufferTime, Subject } from "rxjs"
import { BATCH_MS, engineWordCount, makeLines } from "./streamingWorkload.js"

export const SLICE_MS = 10
const WARMUP_MS = 1000

/** Latencies and a word total of one run; `words` must equal the words fed. */
export interface LatencyRun {
  readonly latenciesMs: ReadonlyArray<number>
  readonly words: number
  readonly wordsFed: number
}

/** Slices in store order; `completed(lines, at)` consumes the oldest slices holding `lines` lines. */
export class LatencyLog {
  private readonly pending: Array<{ lines: number; storedAt: number; measured: boolean }> = []
  readonly latenciesMs: Array<number> = []
  stored(lines: number, storedAt: number, measured: boolean): void {
    this.pending.push({ lines, storedAt, measured })
  }
  completed(lines: number, at: number): void {
    let left = lines
    while (left > 0) {
      const slice = this.pending.shift()
      if (slice === undefined) throw new Error(`an output covered ${lines} lines, more than were stored`)
      if (slice.lines > left) throw new Error(`an output covered part of a slice (${left} of ${slice.lines} lines)`)
      left -= slice.lines
      if (slice.measured) this.latenciesMs.push(at - slice.storedAt)
    }
  }
  get drained(): boolean {
    return this.pending.length === 0
  }
}

/**
 * Feeds `store` a slice every `SLICE_MS` for `durationMs` (plus the warm-up),
 * then resolves once `done()` holds. Slices are built before the first store.
 */
const feed = (
  rate: number,
  durationMs: number,
  log: LatencyLog,
  store: (lines: ReadonlyArray<string>) => void,
  done: () => boolean
) =>
  new Promise<number>((resolve) => {
    const slices = Array.from({ length: Math.ceil((WARMUP_MS + durationMs) / SLICE_MS) }, () => makeLines((rate * SLICE_MS) / 1000))
    const wordsFed = slices.reduce((sum, lines) => sum + lines.reduce((n, line) => n + line.split(" ").length, 0), 0)
    const first = Date.now()
    let next = 0
    const timer = setInterval(() => {
      if (next < slices.length) {
        const lines = slices[next++]!
        const now = Date.now()
        log.stored(lines.length, now, now - first >= WARMUP_MS)
        store(lines)
      } else if (done()) {
        clearInterval(timer)
        resolve(wordsFed)
      }
    }, SLICE_MS)
  })

const countWords = (lines: ReadonlyArray<string>) => {
  const counts = new Map<string, number>()
  let words = 0
  for (const line of lines) {
    for (const word of line.split(" ")) {
      counts.set(word, (counts.get(word) ?? 0) + 1)
      words++
    }
  }
  return words
}

/**
 * A hand-written loop: a timer every `BATCH_MS` counts what was stored since
 * the last one, with `count` (by default `split` into a Map, as the engine's job).
 */
export const loopLatency = async (
  rate: number,
  durationMs: number,
  count: (lines: ReadonlyArray<string>) => number = countWords
): Promise<LatencyRun> => {
  const log = new LatencyLog()
  let buffer: Array<string> = []
  let words = 0
  const timer = setInterval(() => {
    if (buffer.length === 0) return
    const batch = buffer
    buffer = []
    words += count(batch)
    log.completed(batch.length, Date.now())
  }, BATCH_MS)
  const wordsFed = await feed(rate, durationMs, log, (lines) => buffer.push(...lines), () => log.drained)
  clearInterval(timer)
  return { latenciesMs: log.latenciesMs, words, wordsFed }
}

/** RxJS: `bufferTime(BATCH_MS)` and a reduce of each buffer into a Map. */
export const rxjsLatency = async (rate: number, durationMs: number): Promise<LatencyRun> => {
  const log = new LatencyLog()
  const subject = new Subject<string>()
  let words = 0
  const subscription = subject.pipe(bufferTime(BATCH_MS)).subscribe((buffer) => {
    if (buffer.length === 0) return
    words += countWords(buffer)
    log.completed(buffer.length, Date.now())
  })
  const wordsFed = await feed(rate, durationMs, log, (lines) => {
    for (const line of lines) subject.next(line)
  }, () => log.drained)
  subscription.unsubscribe()
  return { latenciesMs: log.latenciesMs, words, wordsFed }
}

/**
 * The engine on `sc`: each slice is parallelized and pushed on a queue
 * stream that takes every queued RDD each batch (their union). A batch's
 * line count comes from the listener (known on the driver for parallelized
 * input); its output's end is the batch's processing end. Stops the
 * StreamingContext, not `sc`.
 */
export const engineLatency = (sc: SparkContext.SparkContext, rate: number, durationMs: number): Promise<LatencyRun> =>
  Effect.runPromise(Effect.scoped(Effect.gen(function*() {
    const ssc = yield* StreamingContext.make(sc, { batchDuration: BATCH_MS })
    const log = new LatencyLog()
    const queue: Array<RDD.RDD<string>> = []
    let words = 0
    yield* ssc.addStreamingListener({
      onBatchCompleted: (batch) => {
        if (batch.numRecords > 0) log.completed(batch.numRecords, batch.processingEndTime ?? Date.now())
      }
    })
    engineWordCount(ssc.queueStream(queue, false), sc.defaultParallelism, (total) => (words += total))
    yield* ssc.start()
    const wordsFed = yield* Effect.promise(() =>
      feed(rate, durationMs, log, (lines) => queue.push(sc.parallelize(lines, 1)), () => log.drained)
    )
    yield* ssc.stop({ stopSparkContext: false })
    return { latenciesMs: log.latenciesMs, words, wordsFed }
  })))
