/**
 * Map statuses go to each executor once per shuffle version (Spark's
 * MapOutputTrackerWorker cache): the driver sends them again only when they
 * changed or it forgot having sent them; the executor keeps them across
 * tasks and drops a shuffle's on RemoveShuffle, in channel order.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { withEnv } from "../../src/Closure.js"
import type { FromExecutor, ToExecutor } from "../../src/internal/executor/protocol.js"
import { launchMessage } from "../../src/internal/scheduler/taskPlan.js"
import { BoundedLru } from "../../src/internal/util/boundedLru.js"
import type { RDD } from "../../src/rdd/RDD.js"
import { DriverEndpoint } from "../../src/scheduler/cluster/DriverEndpoint.js"
import * as ExecutorData from "../../src/scheduler/cluster/ExecutorData.js"
import { HeartbeatReceiver } from "../../src/scheduler/cluster/HeartbeatReceiver.js"
import { MapOutputTracker, type MapStatus } from "../../src/scheduler/MapOutputTracker.js"
import type { TaskBinary, TaskDescription } from "../../src/scheduler/Task.js"
import type { TaskContext } from "../../src/scheduler/TaskContext.js"
import { DriverRpcEndpoints } from "../../src/rpc/DriverRpcEndpoints.js"
import { BlockManagerMaster } from "../../src/storage/BlockManagerMaster.js"
import { BlockRelay } from "../../src/storage/BlockTransferService.js"
import { makeContext } from "../utils/spark.js"
import { describeTask, executorInThread } from "../utils/tasks.js"

let nextTaskId = 0
const taskOf = (binary: TaskBinary, index: number): TaskDescription =>
  describeTask(binary, { taskId: nextTaskId++, index, executorId: "exec-0" })

const count = (it: Iterator<unknown>) => {
  let n = 0
  while (it.next().done !== true) n++
  return n
}
const resultStage = (rdd: RDD<unknown>): TaskBinary => ({ _tag: "ResultTask", rdd, func: count })

const shuffleIdOf = (rdd: RDD<unknown>): number => {
  const dep = rdd.dependencies[0]!
  if (dep._tag !== "Shuffle") throw new Error(`${rdd.id} does not read a shuffle`)
  return dep.shuffleId
}

const status = (executorId: string, mapId: number): MapStatus => ({
  location: { executorId, host: "localhost", port: 0 },
  mapId,
  sizes: [mapId, mapId + 1]
})

/** Registers a shuffle of `maps` outputs, alternately on exec-0 and exec-1. */
const registerOutputs = (tracker: MapOutputTracker, shuffleId: number, maps: number) => {
  tracker.registerShuffle(shuffleId, maps)
  for (let mapId = 0; mapId < maps; mapId++) tracker.registerMapOutput(shuffleId, mapId, status(`exec-${mapId % 2}`, mapId))
}

/** A registered executor behind a real DriverEndpoint: the master's removeShuffle reaches it as the backend's does. */
const registeredExecutor = (master: BlockManagerMaster, posted: Array<ToExecutor>) => {
  const executor = ExecutorData.make("exec-0", { post: (m) => posted.push(m), terminate: () => Promise.resolve() })
  const endpoint = new DriverEndpoint({
    scheduler: () => undefined,
    master,
    blockRelay: new BlockRelay({
      locations: () => [],
      isAlive: () => false,
      peersOf: () => [],
      request: () => {},
      respond: () => {},
      putBlock: () => {}
    }),
    heartbeats: new HeartbeatReceiver({ intervalMs: 1000, timeoutMs: 10_000, now: () => 0, expire: () => {} }),
    rpcEnv: new DriverRpcEndpoints((effect) => Effect.runFork(effect)),
    taskEnded: () => undefined,
    post: (target, message) => target.connection.post(message),
    planMissing: () => {},
    executorRegistered: () => {}
  })
  endpoint.receive(executor, { _tag: "Registered", executorId: "exec-0", host: "localhost", cores: 1, maxMemory: 1 << 20 })
  return executor
}

describe("launchMessage: map statuses once per shuffle version", () => {
  it.effect("sent with the first task, again after an output is lost or registered again, and after the shuffle is removed", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext({ master: "local[1]" })
      const reduced = sc.parallelize([1, 2, 3, 4, 5, 6, 7, 8], 4).map((x) => [x % 3, x] as const).reduceByKey((a, b) => a + b, 2)
      const shuffleId = shuffleIdOf(reduced)
      const tracker = new MapOutputTracker()
      registerOutputs(tracker, shuffleId, 4)
      const master = new BlockManagerMaster()
      const posted: Array<ToExecutor> = []
      const executor = registeredExecutor(master, posted)
      const binary = resultStage(reduced)
      const sent = (index: number) => launchMessage(taskOf(binary, index), executor, tracker, sc.getBroadcast).mapStatuses

      assert.deepStrictEqual(sent(0), [[shuffleId, tracker.getStatuses(shuffleId)!]])
      assert.deepStrictEqual(sent(1), [], "the executor holds this version")
      assert.deepStrictEqual(sent(0), [])

      tracker.unregisterMapOutput(shuffleId, 2)
      const lost = sent(1)
      assert.deepStrictEqual(lost.map(([id, statuses]) => [id, statuses.map((s) => s?.location.executorId)]), [
        [shuffleId, ["exec-0", "exec-1", undefined, "exec-1"]]
      ])
      assert.deepStrictEqual(sent(0), [])
      tracker.registerMapOutput(shuffleId, 2, status("exec-1", 2))
      assert.deepStrictEqual(sent(0).map(([, statuses]) => statuses[2]?.location.executorId), ["exec-1"])
      assert.deepStrictEqual(sent(1), [])
      tracker.removeOutputsOnExecutor("exec-1")
      assert.deepStrictEqual(sent(1).map(([, statuses]) => statuses.filter((s) => s !== undefined).length), [1])
      assert.deepStrictEqual(sent(1), [])

      // The cleaner's path: the master removes the shuffle on every executor; the driver forgets it sent it.
      master.removeShuffle(shuffleId)
      assert.deepStrictEqual(posted.filter((m) => m._tag === "RemoveShuffle"), [{ _tag: "RemoveShuffle", shuffleId }])
      assert.isFalse(executor.sentShuffles.has(shuffleId))
      assert.deepStrictEqual(sent(0).map(([id]) => id), [shuffleId], "sent again: the executor dropped it")
      assert.deepStrictEqual(sent(1), [])

      // Unregistered on the driver (and registered again later): nothing to send, then a new version.
      tracker.unregisterShuffle(shuffleId)
      assert.deepStrictEqual(sent(0), [])
      registerOutputs(tracker, shuffleId, 4)
      assert.deepStrictEqual(sent(0).map(([id]) => id), [shuffleId])
    }).pipe(Effect.scoped))

  it.effect("a stage gets only the statuses of the shuffles it reads", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext({ master: "local[1]" })
      const pairs = sc.parallelize([1, 2, 3, 4, 5, 6], 3).map((x) => [x % 3, x] as const)
      const first = pairs.reduceByKey((a, b) => a + b, 2)
      const regrouped = first.map(([k, v]) => [v % 2, k] as const)
      const second = regrouped.reduceByKey((a, b) => a + b, 2)
      const [firstId, secondId] = [shuffleIdOf(first), shuffleIdOf(second)]
      const tracker = new MapOutputTracker()
      registerOutputs(tracker, firstId, 3)
      registerOutputs(tracker, secondId, 2)
      const fresh = () => ExecutorData.make("exec-0", { post: () => {}, terminate: () => Promise.resolve() })
      const shuffleIds = (binary: TaskBinary) =>
        launchMessage(taskOf(binary, 0), fresh(), tracker, sc.getBroadcast).mapStatuses.map(([id]) => id)
      const secondDep = second.dependencies[0]!
      if (secondDep._tag !== "Shuffle") return assert.fail("reduceByKey reads a shuffle")
      // The map stage of the second shuffle reads the first; the result stage reads only the second.
      assert.deepStrictEqual(shuffleIds({ _tag: "ShuffleMapTask", rdd: regrouped, dep: secondDep }), [firstId])
      assert.deepStrictEqual(shuffleIds(resultStage(second)), [secondId])
      assert.deepStrictEqual(shuffleIds(resultStage(pairs)), [])
    }).pipe(Effect.scoped))
})

describe("an executor's map statuses", () => {
  it.effect("are kept from a task killed before it ran (as its broadcasts), replaced by newer ones, and dropped on RemoveShuffle in channel order; late kills leave nothing", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext({ master: "local[1]" })
      const shuffleId = 7
      const sent: Array<FromExecutor> = []
      const executor = yield* executorInThread(sent, "map-statuses")
      // A task that answers what its executor's tracker holds (every launch carries its plan: a killed task decodes nothing).
      const probe: TaskBinary = {
        _tag: "ResultTask",
        rdd: sc.parallelize([0], 1),
        func: withEnv({ shuffleId }, ({ shuffleId }) => (_it: Iterator<unknown>, ctx: TaskContext) => ({
          shuffles: ctx.env.mapOutputTracker.shuffleCount,
          holders: ctx.env.mapOutputTracker.getStatuses(shuffleId)?.map((s) => s?.location.executorId)
        }))
      }
      const broadcastId = 99
      const broadcastProbe: TaskBinary = {
        _tag: "ResultTask",
        rdd: sc.parallelize([0], 1),
        func: withEnv({ broadcastId }, ({ broadcastId }) => (_it: Iterator<unknown>, ctx: TaskContext) => {
          try {
            return ctx.env.getBroadcast(broadcastId)
          } catch {
            return "missing"
          }
        })
      }
      const noStatuses = { getStatuses: () => undefined, statusesVersion: () => undefined }
      const launch = (
        statuses: ReadonlyArray<MapStatus | undefined> | undefined,
        binary = probe
      ): { taskId: number; message: Extract<ToExecutor, { _tag: "Launch" }> } => {
        const fresh = { sentPlans: new BoundedLru<number, true>(8), sentBroadcasts: new Set<number>(), sentShuffles: new Map() }
        const message = launchMessage(taskOf(binary, 0), fresh, noStatuses, sc.getBroadcast)
        return { taskId: message.task.taskId, message: { ...message, mapStatuses: statuses === undefined ? [] : [[shuffleId, statuses]] } }
      }
      const answer = (taskId: number) =>
        Effect.promise(async () => {
          for (;;) {
            const update = sent.find((m) => m._tag === "StatusUpdate" && m.taskId === taskId)
            if (update?._tag === "StatusUpdate") return update.result._tag === "Success" ? update.result.value : update.result._tag
            await new Promise((resolve) => setImmediate(resolve))
          }
        })
      const run = (statuses?: ReadonlyArray<MapStatus | undefined>) => {
        const { message, taskId } = launch(statuses)
        executor.handle(message)
        return answer(taskId)
      }

      // Killed while it waits behind another task: the statuses it carried are kept all the same (the driver counts them sent).
      const ahead = launch(undefined)
      const killed = launch([status("exec-1", 0), status("exec-2", 1)])
      executor.handle(ahead.message)
      executor.handle(killed.message)
      executor.handle({ _tag: "Kill", taskId: killed.taskId, reason: "test" })
      yield* answer(ahead.taskId)
      assert.strictEqual(yield* answer(killed.taskId), "TaskKilled")
      assert.deepStrictEqual(yield* run(), { shuffles: 1, holders: ["exec-1", "exec-2"] })
      // Newer statuses replace them.
      assert.deepStrictEqual(yield* run([status("exec-1", 0), undefined]), { shuffles: 1, holders: ["exec-1", undefined] })
      assert.deepStrictEqual(yield* run(), { shuffles: 1, holders: ["exec-1", undefined] })
      executor.handle({ _tag: "RemoveShuffle", shuffleId })
      assert.deepStrictEqual(yield* run(), { shuffles: 0, holders: undefined })
      // A RemoveShuffle after a task that brought statuses, while it waits behind another: dropped, not kept forever.
      const running = launch(undefined)
      const queued = launch([status("exec-1", 0)])
      executor.handle(running.message)
      executor.handle(queued.message)
      executor.handle({ _tag: "RemoveShuffle", shuffleId })
      yield* answer(running.taskId)
      yield* answer(queued.taskId)
      assert.deepStrictEqual(yield* run(), { shuffles: 0, holders: undefined })
      // Broadcast values a killed task brought are kept too (the driver counts them sent as well).
      const before = launch(undefined)
      const withValue = launch(undefined, broadcastProbe)
      executor.handle(before.message)
      executor.handle({ ...withValue.message, broadcasts: [[broadcastId, "kept"]] })
      executor.handle({ _tag: "Kill", taskId: withValue.taskId, reason: "test" })
      yield* answer(before.taskId)
      assert.strictEqual(yield* answer(withValue.taskId), "TaskKilled")
      const reader = launch(undefined, broadcastProbe)
      executor.handle(reader.message)
      assert.strictEqual(yield* answer(reader.taskId), "kept")
      // Kills that cross each task's status on the channel leave nothing behind.
      for (let i = 0; i < 1000; i++) {
        const { message, taskId } = launch(undefined)
        executor.handle(message)
        yield* answer(taskId)
        executor.handle({ _tag: "Kill", taskId, reason: "stage cancelled" })
      }
      assert.strictEqual(executor.pendingKills, 0)
    }).pipe(Effect.scoped))
})
