// Bytes of v8.serialize(Launch) for the first tasks of a reduce stage reading a 200 maps x 200 reduces shuffle,
// sent to one executor. Run from packages/core: npx tsx bench/launchMessageSize.ts (on a commit before the
// per-version map status cache too: its launchMessage took a statuses function, which the argument also is).
import { Effect } from "effect"
import * as v8 from "node:v8"
import { launchMessage } from "../src/internal/scheduler/taskPlan.js"
import { BoundedLru } from "../src/internal/util/boundedLru.js"
import { MapOutputTracker } from "../src/scheduler/MapOutputTracker.js"
import type { TaskBinary, TaskDescription } from "../src/scheduler/Task.js"
import * as SparkContext from "../src/SparkContext.js"

const M = 200, R = 200
await Effect.runPromise(Effect.scoped(Effect.gen(function*() {
  const sc = yield* SparkContext.make({ master: "local[1]" })
  const reduced = sc.parallelize(Array.from({ length: M }, (_, i) => i), M).map((x) => [x, 1] as const).reduceByKey((a, b) => a + b, R)
  const dep = reduced.dependencies[0]!
  const shuffleId = dep._tag === "Shuffle" ? dep.shuffleId : -1
  const tracker = new MapOutputTracker()
  tracker.registerShuffle(shuffleId, M)
  for (let m = 0; m < M; m++) {
    const sizes = Array.from({ length: R }, (_, r) => 1000 + ((m * 31 + r * 17) % 777))
    tracker.registerMapOutput(shuffleId, m, { location: { executorId: `exec-${m % 4}`, host: "localhost", port: 0 }, mapId: m, sizes })
  }
  const binary: TaskBinary = {
    _tag: "ResultTask",
    rdd: reduced,
    func: (it: Iterator<unknown>) => {
      let n = 0
      while (it.next().done !== true) n++
      return n
    }
  }
  const executor = {
    sentPlans: new BoundedLru<number, true>(64),
    sentBroadcasts: new Set<number>(),
    sentShuffles: new Map<number, number>()
  }
  // Works with both signatures: a function (before) that also has the tracker's methods (after).
  const statuses = Object.assign((id: number) => tracker.getStatuses(id), {
    getStatuses: (id: number) => tracker.getStatuses(id),
    statusesVersion: (id: number) => (tracker as unknown as { statusesVersion: (id: number) => number | undefined }).statusesVersion(id)
  })
  const sizes: Array<number> = []
  for (let index = 0; index < 5; index++) {
    const task: TaskDescription = {
      taskId: index,
      jobId: 0,
      stageId: 1,
      stageAttemptId: 0,
      index,
      partition: reduced.partitions[index]!,
      attemptNumber: 0,
      executorId: "exec-0",
      locality: "ANY",
      localProperties: new Map(),
      binary
    }
    sizes.push(v8.serialize(launchMessage(task, executor, statuses as never, sc.getBroadcast)).length)
  }
  console.log(
    `Launch bytes (v8.serialize), reduce stage of a ${M} maps x ${R} reduces shuffle: task 0 ${sizes[0]}, tasks 1-4 ${
      sizes.slice(1).join(", ")
    }`
  )
})))
