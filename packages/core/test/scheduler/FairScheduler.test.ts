import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Pool from "../../src/internal/scheduler/pool.js"
import { TaskSchedulerImpl } from "../../src/internal/scheduler/taskSchedulerImpl.js"
import type { TaskSet } from "../../src/internal/scheduler/taskSetManager.js"
import type { TaskBinary, TaskDescription } from "../../src/scheduler/Task.js"
import { SparkContext } from "../../src/index.js"
import { makeContext, recordEvents } from "../utils/spark.js"

// ---------------------------------------------------------------------------
// Plain data: comparators, pool tree, configuration

const schedulable = (over: Partial<Pool.Schedulable> & { readonly name: string }): Pool.Schedulable => ({
  weight: 1,
  minShare: 0,
  runningTasks: 0,
  priority: 0,
  stageId: -1,
  ...over
})

class Leaf implements Pool.PoolLeaf {
  parent: Pool.RunningTasksParent | undefined
  runningTasks = 0
  isSchedulable = true
  readonly weight = 1
  readonly minShare = 0
  constructor(readonly name: string, readonly priority: number, readonly stageId: number) {}
  launch(n = 1) {
    this.runningTasks += n
    this.parent?.increaseRunningTasks(n)
  }
  finish(n = 1) {
    this.runningTasks -= n
    this.parent?.decreaseRunningTasks(n)
  }
}

const names = (xs: ReadonlyArray<Pool.Schedulable>) => xs.map((x) => x.name)
const sortBy = (algorithm: Pool.SchedulingAlgorithm, xs: ReadonlyArray<Pool.Schedulable>) => names(xs.slice().sort(algorithm))

describe("scheduling algorithms", () => {
  it("FIFO orders by job id, then stage id", () => {
    const xs = [
      schedulable({ name: "j2s5", priority: 2, stageId: 5 }),
      schedulable({ name: "j1s3", priority: 1, stageId: 3 }),
      schedulable({ name: "j1s1", priority: 1, stageId: 1 }),
      schedulable({ name: "j0s9", priority: 0, stageId: 9, runningTasks: 100 })
    ]
    assert.deepStrictEqual(sortBy(Pool.fifoSchedulingAlgorithm, xs), ["j0s9", "j1s1", "j1s3", "j2s5"])
  })

  it("FAIR puts pools below their minShare first, by runningTasks/minShare", () => {
    const xs = [
      schedulable({ name: "satisfied", runningTasks: 0, minShare: 0 }),
      schedulable({ name: "half", runningTasks: 2, minShare: 4 }),
      schedulable({ name: "quarter", runningTasks: 1, minShare: 4 }),
      schedulable({ name: "atShare", runningTasks: 4, minShare: 4 })
    ]
    // Needy pools first (quarter 0.25 < half 0.5), then the others by runningTasks/weight.
    assert.deepStrictEqual(sortBy(Pool.fairSchedulingAlgorithm, xs), ["quarter", "half", "satisfied", "atShare"])
  })

  it("FAIR orders the others by runningTasks/weight, then by name", () => {
    const xs = [
      schedulable({ name: "b", runningTasks: 3, weight: 3 }), // 1
      schedulable({ name: "a", runningTasks: 1, weight: 1 }), // 1, wins the tie by name
      schedulable({ name: "c", runningTasks: 2, weight: 4 }), // 0.5
      schedulable({ name: "d", runningTasks: 5, weight: 1 }) // 5
    ]
    assert.deepStrictEqual(sortBy(Pool.fairSchedulingAlgorithm, xs), ["c", "a", "b", "d"])
  })

  it("FAIR with no tasks running anywhere falls back to names", () => {
    const xs = [schedulable({ name: "z", weight: 9 }), schedulable({ name: "m" }), schedulable({ name: "a", weight: 2 })]
    assert.deepStrictEqual(sortBy(Pool.fairSchedulingAlgorithm, xs), ["a", "m", "z"])
  })
})

describe("pool tree", () => {
  const fair: Pool.SchedulerConf = {
    mode: "FAIR",
    pools: [
      { name: "etl", schedulingMode: "FIFO", weight: 1, minShare: 0 },
      { name: "adhoc", schedulingMode: "FAIR", weight: 2, minShare: 2 }
    ]
  }

  it("FAIR mode: configured pools plus default; task sets go to their job's pool; unknown pools get defaults", () => {
    const builder = new Pool.SchedulableBuilder<Leaf>(fair)
    const root = builder.rootPool
    assert.deepStrictEqual(names(root.children), ["etl", "adhoc", "default"])
    builder.addTaskSetManager(new Leaf("TaskSet_0.0", 0, 0), new Map())
    builder.addTaskSetManager(new Leaf("TaskSet_1.0", 1, 1), new Map([["spark.scheduler.pool", "etl"]]))
    builder.addTaskSetManager(new Leaf("TaskSet_2.0", 2, 2), new Map([["spark.scheduler.pool", "reports"]]))
    assert.deepStrictEqual(names(root.getPool("default")!.children), ["TaskSet_0.0"])
    assert.deepStrictEqual(names(root.getPool("etl")!.children), ["TaskSet_1.0"])
    const reports = root.getPool("reports")!
    assert.deepStrictEqual(
      { weight: reports.weight, minShare: reports.minShare, mode: reports.schedulingMode, tasks: names(reports.children) },
      { weight: 1, minShare: 0, mode: "FIFO", tasks: ["TaskSet_2.0"] }
    )
  })

  it("running tasks add up the tree, and the sorted queue follows them", () => {
    const builder = new Pool.SchedulableBuilder<Leaf>(fair)
    const e1 = new Leaf("TaskSet_1.0", 1, 1)
    const e2 = new Leaf("TaskSet_2.0", 2, 2)
    const a3 = new Leaf("TaskSet_3.0", 3, 3)
    builder.addTaskSetManager(e1, new Map([["spark.scheduler.pool", "etl"]]))
    builder.addTaskSetManager(e2, new Map([["spark.scheduler.pool", "etl"]]))
    builder.addTaskSetManager(a3, new Map([["spark.scheduler.pool", "adhoc"]]))
    const root = builder.rootPool
    // adhoc is below its minShare of 2: it goes first.
    assert.deepStrictEqual(names(root.sortedTaskSetQueue()), ["TaskSet_3.0", "TaskSet_1.0", "TaskSet_2.0"])
    a3.launch(2)
    e1.launch(1)
    assert.strictEqual(root.getPool("adhoc")!.runningTasks, 2)
    assert.strictEqual(root.getPool("etl")!.runningTasks, 1)
    assert.strictEqual(root.runningTasks, 3)
    // adhoc 2/2 = 1 vs etl 1/1 = 1: tie, "adhoc" < "etl". One more in adhoc and etl leads.
    assert.deepStrictEqual(names(root.sortedTaskSetQueue()), ["TaskSet_3.0", "TaskSet_1.0", "TaskSet_2.0"])
    a3.launch(1)
    assert.deepStrictEqual(names(root.sortedTaskSetQueue()), ["TaskSet_1.0", "TaskSet_2.0", "TaskSet_3.0"])
    // Zombies are left out; a removed task set stops counting.
    e1.isSchedulable = false
    assert.deepStrictEqual(names(root.sortedTaskSetQueue()), ["TaskSet_2.0", "TaskSet_3.0"])
    builder.removeTaskSetManager(e1)
    assert.strictEqual(root.getPool("etl")!.runningTasks, 0)
    assert.strictEqual(root.runningTasks, 3)
    e1.finish(1)
    assert.strictEqual(root.runningTasks, 3)
  })

  it("FIFO mode ignores pools: task sets sit under the root by (jobId, stageId)", () => {
    const builder = new Pool.SchedulableBuilder<Leaf>(Pool.defaultSchedulerConf)
    builder.addTaskSetManager(new Leaf("late", 5, 9), new Map([["spark.scheduler.pool", "etl"]]))
    builder.addTaskSetManager(new Leaf("early", 2, 3), new Map())
    builder.addTaskSetManager(new Leaf("earlyParent", 2, 1), new Map())
    assert.strictEqual(builder.rootPool.getPool("etl"), undefined)
    assert.deepStrictEqual(names(builder.rootPool.sortedTaskSetQueue()), ["earlyParent", "early", "late"])
  })
})

describe("scheduler configuration", () => {
  const read = (entries: Record<string, string>, files: Record<string, string> = {}) =>
    Pool.readSchedulerConf(new Map(Object.entries(entries)), (file) => {
      const text = files[file]
      if (text === undefined) throw new Error(`ENOENT: no such file ${file}`)
      return text
    })

  it("defaults to FIFO without pools; the mode is case-insensitive", () => {
    assert.deepStrictEqual(read({}), { mode: "FIFO", pools: [] })
    assert.deepStrictEqual(read({ "spark.scheduler.mode": "fair" }), { mode: "FAIR", pools: [] })
  })

  it("reads pools from spark.scheduler.pool.<name>.* with defaults for what is not set", () => {
    const conf = read({
      "spark.scheduler.mode": "FAIR",
      "spark.scheduler.pool.etl.weight": "3",
      "spark.scheduler.pool.etl.minShare": "2",
      "spark.scheduler.pool.team.a.schedulingMode": "FAIR"
    })
    assert.deepStrictEqual(conf, {
      mode: "FAIR",
      pools: [
        { name: "etl", schedulingMode: "FIFO", weight: 3, minShare: 2 },
        { name: "team.a", schedulingMode: "FAIR", weight: 1, minShare: 0 }
      ]
    })
  })

  it("reads a JSON allocation file; conf entries win over it", () => {
    const file = JSON.stringify({
      pools: [{ name: "etl", schedulingMode: "FAIR", weight: 2, minShare: 1 }, { name: "adhoc" }]
    })
    const conf = read({
      "spark.scheduler.mode": "FAIR",
      "spark.scheduler.allocation.file": "/conf/pools.json",
      "spark.scheduler.pool.etl.weight": "5"
    }, { "/conf/pools.json": file })
    assert.deepStrictEqual(conf, {
      mode: "FAIR",
      pools: [
        { name: "etl", schedulingMode: "FAIR", weight: 5, minShare: 1 },
        { name: "adhoc", schedulingMode: "FIFO", weight: 1, minShare: 0 }
      ]
    })
  })

  it("refuses bad values with a message that says what to write", () => {
    const message = (entries: Record<string, string>, files: Record<string, string> = {}) => {
      const result = read(entries, files)
      assert.instanceOf(result, Error)
      return (result as Error).message
    }
    assert.match(message({ "spark.scheduler.mode": "ROUND_ROBIN" }), /spark\.scheduler\.mode must be FIFO or FAIR, got "ROUND_ROBIN"/)
    assert.match(message({ "spark.scheduler.pool.etl.weight": "0" }), /weight must be an integer >= 1/)
    assert.match(message({ "spark.scheduler.pool.etl.minShare": "-1" }), /minShare must be an integer >= 0/)
    assert.match(message({ "spark.scheduler.pool.etl.schedulingMode": "LIFO" }), /must be FIFO or FAIR/)
    assert.match(
      message({ "spark.scheduler.pool.etl.wieght": "2" }),
      /not a pool setting: use spark\.scheduler\.pool\.<name>\.\{weight,minShare,schedulingMode\}/
    )
    assert.match(message({ "spark.scheduler.allocation.file": "/missing.json" }), /could not be read as JSON: ENOENT/)
    assert.match(message({ "spark.scheduler.allocation.file": "/f" }, { "/f": "[]" }), /must be a JSON object \{"pools"/)
    assert.match(
      message({ "spark.scheduler.allocation.file": "/f" }, { "/f": "{\"pools\":[{\"name\":\"x\",\"wait\":1}]}" }),
      /unknown field "wait"/
    )
  })
})

// ---------------------------------------------------------------------------
// The task scheduler over plain task sets: offers, launches, completions

const taskSet = (jobId: number, stageId: number, numTasks: number, pool?: string): TaskSet => ({
  jobId,
  stageId,
  stageAttemptId: 0,
  properties: new Map(pool === undefined ? [] : [["spark.scheduler.pool", pool]]),
  binary: {} as TaskBinary,
  tasks: Array.from({ length: numTasks }, (_, i) => ({ partition: { index: i }, outputId: i, locations: [] }))
})

/**
 * Runs two task sets on `cores` cores: offers all cores, then completes the
 * oldest running task and offers the freed core, until every task has run.
 * Returns the job id of each launch, in order.
 */
const simulate = (conf: Pool.SchedulerConf, cores: number, sets: ReadonlyArray<TaskSet>): Array<number> => {
  const launches: Array<number> = []
  const scheduler = new TaskSchedulerImpl(4, 0, conf)
  scheduler.setDAGScheduler({ taskStarted: (task) => launches.push(task.jobId), taskEnded: () => {}, taskSetFailed: () => {} })
  scheduler.executorAdded("exec-0", "host-0")
  for (const set of sets) scheduler.submitTasks(set, 0)
  const running: Array<TaskDescription> = []
  const offer = (free: number) => running.push(...scheduler.resourceOffers([{ executorId: "exec-0", host: "host-0", cores: free }], 0))
  offer(cores)
  while (running.length > 0) {
    const done = running.shift()!
    scheduler.statusUpdate(done.taskId, { _tag: "Success", value: undefined, accumulatorUpdates: new Map() })
    offer(cores - running.length)
  }
  return launches
}

describe("task scheduler with pools", () => {
  const weighted: Pool.SchedulerConf = {
    mode: "FAIR",
    pools: [
      { name: "light", schedulingMode: "FIFO", weight: 1, minShare: 0 },
      { name: "heavy", schedulingMode: "FIFO", weight: 3, minShare: 0 }
    ]
  }

  it("FAIR splits cores that are free together by weight, then keeps launches at 1:3", () => {
    const launches = simulate(weighted, 4, [taskSet(0, 0, 20, "light"), taskSet(1, 1, 60, "heavy")])
    // First round: the queue is sorted again after every launch, so 4 free cores go 1 light + 3 heavy
    // (heavy first: with nothing running both ratios are 0, and "heavy" < "light").
    assert.deepStrictEqual(launches.slice(0, 4), [1, 0, 1, 1])
    // Each finished task is replaced from its own pool: every window of 4 launches is 1 light + 3 heavy.
    const light = launches.slice(0, 80).filter((j) => j === 0).length
    assert.strictEqual(light, 20)
    for (let i = 0; i + 4 <= 80; i += 4) {
      assert.strictEqual(launches.slice(i, i + 4).filter((j) => j === 0).length, 1, `launches ${i}..${i + 3}`)
    }
  })

  it("FIFO runs the earlier job's tasks first, whatever the pools", () => {
    const launches = simulate(Pool.defaultSchedulerConf, 4, [taskSet(1, 1, 10, "heavy"), taskSet(0, 0, 10, "light")])
    assert.deepStrictEqual(launches, [...Array(10).fill(0), ...Array(10).fill(1)])
  })

  it("FAIR gives a pool its minShare before weights count", () => {
    const conf: Pool.SchedulerConf = {
      mode: "FAIR",
      pools: [
        { name: "big", schedulingMode: "FIFO", weight: 100, minShare: 0 },
        { name: "small", schedulingMode: "FIFO", weight: 1, minShare: 3 }
      ]
    }
    const launches = simulate(conf, 4, [taskSet(0, 0, 60, "big"), taskSet(1, 1, 30, "small")])
    // small keeps 3 of the 4 cores while it has tasks: 3 small launches per 4.
    for (let i = 0; i + 4 <= 40; i += 4) {
      assert.strictEqual(launches.slice(i, i + 4).filter((j) => j === 1).length, 3, `launches ${i}..${i + 3}`)
    }
  })
})

// ---------------------------------------------------------------------------
// End to end: a SparkContext in FAIR and FIFO mode

const drain = (it: Iterator<unknown>) => {
  let n = 0
  while (!it.next().done) n++
  return n
}

/**
 * Submits two jobs of `n` one-element tasks, the first in pool `first`, the
 * second in pool `second`, and returns which job each task launch belonged to
 * ("1" or "2"), in launch order, plus both jobs' results.
 */
const twoJobs = (sc: SparkContext.SparkContext, n: number, first: string, second: string) =>
  Effect.gen(function*() {
    const log = recordEvents(sc)
    const rdd = sc.parallelize(Array.from({ length: n }, (_, i) => i), n)
    const one = yield* sc.submitJob(rdd, drain).pipe(SparkContext.withLocalProperty("spark.scheduler.pool", first))
    sc.setLocalProperty("spark.scheduler.pool", second)
    const two = yield* sc.submitJob(rdd, drain)
    sc.setLocalProperty("spark.scheduler.pool", undefined)
    const results = [yield* one.await, yield* two.await]
    yield* sc.waitForListeners()
    const jobOfStage = new Map<number, string>()
    for (const start of log.of("JobStart")) {
      const label = start.jobId === one.jobId ? "1" : "2"
      assert.strictEqual(start.properties.get("spark.scheduler.pool"), label === "1" ? first : second)
      for (const stage of start.stageInfos) jobOfStage.set(stage.stageId, label)
    }
    const launches = log.of("TaskStart").map((e) => jobOfStage.get(e.stageId)!).join("")
    return { launches, results }
  })

/** The launches made while both jobs still had tasks to launch (after job 2's first). */
const whileBothPending = (launches: string, n: number) => {
  const start = launches.indexOf("2")
  let end = start
  const count = { "1": launches.slice(0, start).length, "2": 0 }
  while (end < launches.length && count["1"] < n && count["2"] < n) count[launches[end++] as "1" | "2"]++
  return launches.slice(start, end)
}

describe("SparkContext scheduling modes", () => {
  it.effect("FAIR: two jobs in pools of weight 1 and 3 share 4 cores about 1:3", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext({
        master: "local[4]",
        conf: {
          "spark.scheduler.mode": "FAIR",
          "spark.scheduler.pool.light.weight": 1,
          "spark.scheduler.pool.heavy.weight": 3
        }
      })
      const n = 24
      const { launches, results } = yield* twoJobs(sc, n, "light", "heavy")
      assert.deepStrictEqual(results, [Array(n).fill(1), Array(n).fill(1)])
      const both = whileBothPending(launches, n)
      const light = [...both].filter((c) => c === "1").length
      const heavy = both.length - light
      assert.isAtLeast(both.length, 16, launches)
      assert.isAtLeast(heavy / light, 2.5, launches)
      assert.isAtMost(heavy / light, 3.5, launches)
    }).pipe(Effect.scoped))

  it.effect("FIFO: the earlier job's tasks all launch first, whatever the pools", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext({
        master: "local[2]",
        conf: { "spark.scheduler.pool.light.weight": 1, "spark.scheduler.pool.heavy.weight": 3 }
      })
      const n = 12
      const { launches } = yield* twoJobs(sc, n, "light", "heavy")
      assert.strictEqual(launches, "1".repeat(n) + "2".repeat(n))
    }).pipe(Effect.scoped))

  it.effect("FAIR: a pool below its minShare is served first, whatever the weights", () =>
    Effect.gen(function*() {
      const n = 24
      const run = (conf: Record<string, string | number>) =>
        Effect.gen(function*() {
          const sc = yield* makeContext({ master: "local[4]", conf: { "spark.scheduler.mode": "FAIR", ...conf } })
          const { launches } = yield* twoJobs(sc, n, "big", "small")
          const both = whileBothPending(launches, n)
          return { both, small: [...both].filter((c) => c === "2").length }
        }).pipe(Effect.scoped)
      const withMinShare = yield* run({ "spark.scheduler.pool.big.weight": 100, "spark.scheduler.pool.small.minShare": 3 })
      const withoutMinShare = yield* run({ "spark.scheduler.pool.big.weight": 100 })
      // With minShare 3 the small pool takes the first 3 cores that free up; by weight alone (1 against 100), 1.
      assert.strictEqual(withMinShare.both.slice(0, 4), "2221", withMinShare.both)
      assert.strictEqual(withoutMinShare.both.slice(0, 2), "21", withoutMinShare.both)
      assert.isAbove(withMinShare.small, 2 * withoutMinShare.small)
    }))

  it.effect("an unknown spark.scheduler.mode fails SparkContext.make with InvalidArgumentError", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(makeContext({ conf: { "spark.scheduler.mode": "PRIORITY" } }))
      assert.strictEqual(error._tag, "InvalidArgumentError")
      assert.match(error.message, /spark\.scheduler\.mode must be FIFO or FAIR, got "PRIORITY"/)
    }).pipe(Effect.scoped))
})
