/**
 * The cost of a task: a job of many empty partitions (count over nothing),
 * so the time is scheduling, shipping the task (plan encode, transfer,
 * decode) and returning its result. Each backend is a side of the shared
 * harness (interleaved rounds, one child process per sample; see
 * harness.ts); a sample builds its context, runs one warm-up job, then
 * times one job. Prints microseconds per task, min and median per side, and
 * `local[1]`'s median cost / the side's (its task rate relative to
 * `local[1]`: 0.5 means each task costs twice as much).
 *
 *   npm run bench:tasks
 *   npm run bench:tasks -- --tasks 2000 --rounds 5 --in-process
 */
import { SparkContext } from "@tspark/core"
import { Effect } from "effect"
import { flag, numberArgument, runBenchmark, type Sample, type Side } from "./harness.js"

const tasks = numberArgument("tasks", 2000)

const costPerTask = (master: string, shipConf: Record<string, string | boolean>): Promise<Sample> =>
  Effect.runPromise(Effect.scoped(Effect.gen(function*() {
    const sc = yield* SparkContext.make({ master, appName: "bench-tasks", conf: { "spark.ui.enabled": false, ...shipConf } })
    const rdd = sc.parallelize<number>([], tasks)
    yield* rdd.count() // warm up: executors started, code paths compiled
    const start = performance.now()
    const count = yield* rdd.count()
    return { value: (1000 * (performance.now() - start)) / tasks, check: count }
  })))

const sides: Array<Side> = [
  { name: "local[1]", baseline: true, sample: () => costPerTask("local[1]", {}) },
  { name: "local[1] shipTasks", sample: () => costPerTask("local[1]", { "spark.tspark.local.shipTasks": true }) },
  { name: "local-cluster[2,1,1024]", sample: () => costPerTask("local-cluster[2,1,1024]", {}) },
  { name: "local-process[2,1,1024]", sample: () => costPerTask("local-process[2,1,1024]", {}) }
]

runBenchmark(sides, {
  title: `empty tasks: ${tasks} per job, microseconds per task`,
  rounds: numberArgument("rounds", 5),
  inProcess: flag("in-process"),
  unit: "us/task",
  higherIsBetter: false,
  ratioLabel: "local[1]'s cost / side's cost"
}).catch((e) => {
  console.error(e)
  process.exitCode = 1
})
