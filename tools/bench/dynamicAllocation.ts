/**
 * Streaming dynamic allocation under a load step, on process executors and
 * the real clock. A stream of 1 s batches starts light (two 50 ms tasks per
 * batch) on one single-core executor process (`local-process[1,1,512]`); at
 * batch STEP_AT each batch becomes two 700 ms tasks, which one core runs in
 * 1.4 s: without a second executor the scheduling delay grows by ~0.4 s a
 * batch for ever. A task's work is a wait (`Atomics.wait`), not computation,
 * so the figures measure allocation (deciding, starting a process,
 * registering, scheduling onto it), not this 2-core machine's CPU share.
 *
 * Prints, per run: seconds from the first heavy batch's submission to the
 * request for executors and to the first task on the new executor; how many
 * heavy batches it took until the scheduling delay stayed under one
 * interval; the largest delay. Then the same load without dynamic allocation.
 *
 *   npm run bench:allocation                  # 1 run, 16 heavy batches
 *   npm run bench:allocation -- --runs 3 --batches 20
 */
import { Closure, SparkContext } from "@tspark/core"
import { StreamingContext } from "@tspark/streaming"
import { Effect } from "effect"

const argument = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(name)
  return index >= 0 ? Number(process.argv[index + 1]) : fallback
}
const RUNS = argument("--runs", 1)
const HEAVY_BATCHES = argument("--batches", 16)
const BATCH_MS = 1000
const STEP_AT = 4
const LIGHT_MS = 50
const HEAVY_MS = 700
/** Spark's default is 60 s; a short interval keeps the run short. */
const SCALING_INTERVAL = "2s"

interface Run {
  readonly toRequestS: number | undefined
  readonly toFirstTaskS: number | undefined
  /** Heavy batches until every later one was scheduled within one interval (undefined: never, within the run). */
  readonly batchesToRecover: number | undefined
  readonly maxDelayMs: number
  readonly lastDelayMs: number
}

const run = (dynamic: boolean) =>
  Effect.scoped(Effect.gen(function*() {
    const sc = yield* SparkContext.make({
      master: "local-process[1,1,512]",
      appName: "bench dynamic allocation",
      conf: dynamic
        ? {
          "spark.streaming.dynamicAllocation.enabled": true,
          "spark.streaming.dynamicAllocation.minExecutors": 1,
          "spark.streaming.dynamicAllocation.maxExecutors": 2,
          "spark.streaming.dynamicAllocation.scalingInterval": SCALING_INTERVAL
        }
        : {}
    })
    const ssc = yield* StreamingContext.make(sc, { batchDuration: BATCH_MS })
    const delays: Array<{ readonly batchTime: number; readonly delayMs: number }> = []
    let stepTime: number | undefined
    let stepSubmittedAt: number | undefined
    let requestedAt: number | undefined
    let firstTaskAt: number | undefined
    sc.addSparkListener({
      onTaskStart: (e) => {
        if (firstTaskAt === undefined && e.taskInfo.executorId !== "exec-0") firstTaskAt = Date.now()
      }
    })
    yield* ssc.addStreamingListener({
      onBatchSubmitted: (batch) => {
        if (batch.batchTime === stepTime) stepSubmittedAt = Date.now()
      },
      onBatchCompleted: (batch) => void delays.push({ batchTime: batch.batchTime, delayMs: batch.schedulingDelay ?? 0 }),
      onExecutorAllocationDecision: (d) => {
        if (requestedAt === undefined && d.action === "RequestExecutors" && stepTime !== undefined) requestedAt = Date.now()
      }
    })
    let generated = 0
    const pair = sc.parallelize([0, 1], 2)
    ssc.constantStream(pair).transform((rdd, time) => {
      generated++
      if (generated === STEP_AT) stepTime = time
      const waitMs = generated >= STEP_AT ? HEAVY_MS : LIGHT_MS
      return rdd.map(Closure.withEnv({ waitMs }, ({ waitMs }) => (x: number) => {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, waitMs)
        return x
      }))
    }).foreachRDD((rdd) => Effect.asVoid(rdd.count()))
    yield* ssc.start()
    const heavyDone = () => stepTime === undefined ? 0 : delays.filter((d) => d.batchTime >= stepTime!).length
    while (heavyDone() < HEAVY_BATCHES) yield* Effect.sleep(100)
    yield* ssc.stop({ stopSparkContext: false })
    const heavy = delays.filter((d) => d.batchTime >= stepTime!)
    let recovered = heavy.length
    while (recovered > 0 && heavy[recovered - 1]!.delayMs < BATCH_MS) recovered--
    const seconds = (at: number | undefined) => at === undefined ? undefined : (at - stepSubmittedAt!) / 1000
    return {
      toRequestS: seconds(requestedAt),
      toFirstTaskS: seconds(firstTaskAt),
      batchesToRecover: recovered < heavy.length ? recovered + 1 : undefined,
      maxDelayMs: Math.max(...heavy.map((d) => d.delayMs)),
      lastDelayMs: heavy.at(-1)!.delayMs
    } satisfies Run
  }))

const show = (value: number | undefined, digits = 1) => value === undefined ? "never" : value.toFixed(digits)

const program = Effect.gen(function*() {
  const { loadavg } = yield* Effect.promise(() => import("node:os"))
  console.log(
    `load step at batch ${STEP_AT}: two ${LIGHT_MS} ms tasks -> two ${HEAVY_MS} ms tasks per ${BATCH_MS} ms batch, ` +
      `${HEAVY_BATCHES} heavy batches, one single-core executor process to start, at most two; ` +
      `scalingInterval ${SCALING_INTERVAL}; load average ${loadavg()[0]!.toFixed(2)}`
  )
  const runs: Array<Run> = []
  for (let i = 0; i < RUNS; i++) {
    const result = yield* run(true)
    runs.push(result)
    console.log(
      `dynamic allocation, run ${i + 1}: request after ${show(result.toRequestS)} s, first task on the new executor after ` +
        `${show(result.toFirstTaskS)} s, scheduling delay under one interval from heavy batch ` +
        `${result.batchesToRecover ?? "never"} on; largest delay ${result.maxDelayMs} ms, last ${result.lastDelayMs} ms`
    )
  }
  const fixed = yield* run(false)
  console.log(
    `fixed single executor: scheduling delay under one interval from heavy batch ${fixed.batchesToRecover ?? "never"} on; ` +
      `largest delay ${fixed.maxDelayMs} ms, last ${fixed.lastDelayMs} ms`
  )
  const median = (values: ReadonlyArray<number | undefined>) => {
    const known = values.filter((v): v is number => v !== undefined).sort((a, b) => a - b)
    return known.length === 0 ? undefined : known[Math.floor(known.length / 2)]
  }
  if (RUNS > 1) {
    console.log(
      `medians over ${RUNS} runs: request ${show(median(runs.map((r) => r.toRequestS)))} s, first task on the new executor ` +
        `${show(median(runs.map((r) => r.toFirstTaskS)))} s, recovered at heavy batch ` +
        `${show(median(runs.map((r) => r.batchesToRecover)), 0)}`
    )
  }
  console.log(`load average at the end ${loadavg()[0]!.toFixed(2)}`)
})

Effect.runPromise(program).catch((error) => {
  console.error(error)
  process.exitCode = 1
})
