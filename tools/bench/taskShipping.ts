/**
 * The cost of a task: a job of many empty partitions (count over nothing),
 * so the time is scheduling, shipping the task (plan encode, transfer,
 * decode) and returning its result. Prints tasks/s for each backend.
 *
 *   npm run bench:tasks
 */
import { SparkContext } from "@tspark/core"
import { Effect } from "effect"

const TASKS = 2000
const RUNS = 3

const measure = (master: string, conf: Record<string, string | boolean> = {}) =>
  Effect.scoped(Effect.gen(function*() {
    const sc = yield* SparkContext.make({ master, conf })
    const rdd = sc.parallelize<number>([], TASKS)
    yield* rdd.count() // warm up
    let best = Infinity
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now()
      yield* rdd.count()
      best = Math.min(best, performance.now() - start)
    }
    return best
  }))

const main = async () => {
  console.log(`empty tasks: ${TASKS} per job, best of ${RUNS}, node ${process.version}`)
  const cases: Array<[string, string, Record<string, string | boolean>]> = [
    ["in process, closures", "local[2]", {}],
    ["in process, shipped", "local[2]", { "spark.tspark.local.shipTasks": true }],
    ["worker threads", "local-cluster[2,1,256]", {}],
    ["processes over TCP", "local-process[2,1,256]", {}]
  ]
  let baseline = 0
  for (const [name, master, conf] of cases) {
    const ms = await Effect.runPromise(measure(master, conf))
    const rate = TASKS / (ms / 1000)
    if (baseline === 0) baseline = rate
    console.log(
      `${name.padEnd(22)} ${master.padEnd(24)} ${rate.toFixed(0).padStart(7)} tasks/s  ${
        (1000 * ms / TASKS).toFixed(0).padStart(5)
      } us/task  ${(baseline / rate).toFixed(1)}x the in-process cost`
    )
  }
}

main().catch((e) => {
  console.error(e)
  process.exitCode = 1
})
