/**
 * Each block manager's memory reaches the Executors page and the REST API:
 * the master posts `BlockManagerAdded` when a block manager registers (the
 * driver's, and each executor's on local-cluster and local-process), the event log keeps it,
 * the executors endpoint's `maxMemory` is what the events said (and more than
 * 0), and a replay of the log gives the same; a removed executor's block
 * manager is announced as removed.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as ReplayListenerBus from "../../src/scheduler/ReplayListenerBus.js"
import type { SparkListenerEvent } from "../../src/scheduler/SparkListener.js"
import * as SparkConf from "../../src/SparkConf.js"
import * as SparkContext from "../../src/SparkContext.js"
import { InvalidArgumentError } from "../../src/SparkError.js"
import * as AppStatusListener from "../../src/status/AppStatusListener.js"
import { BlockManagerMaster } from "../../src/storage/BlockManagerMaster.js"
import * as JsonProtocol from "../../src/util/JsonProtocol.js"

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the REST answers are read field by field, as a client would
type Json = any

const getText = (url: string) => Effect.promise(() => fetch(url).then((r) => r.text()))

/**
 * The BlockManagerAdded events of an event log, by executor id. An in-progress
 * log may end in a line still being written: only lines ended by a newline are
 * read (as the replay skips a cut-short last line).
 */
const addedIn = (file: string): Map<string, number> => {
  const added = new Map<string, number>()
  for (const line of fs.readFileSync(file, "utf8").split("\n").slice(1, -1)) {
    const event = JsonProtocol.sparkEventFromJson(JSON.parse(line))
    if ("_tag" in event && event._tag === "BlockManagerAdded") added.set(event.blockManagerId.executorId, event.maxMem)
  }
  return added
}

const run = (master: string) =>
  Effect.gen(function*() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tspark-maxmem-"))
    const { appId, live } = yield* Effect.scoped(Effect.gen(function*() {
      const sc = yield* SparkContext.make({
        master,
        appName: "max memory",
        conf: { "spark.ui.enabled": true, "spark.ui.port": 0, "spark.eventLog.enabled": true, "spark.eventLog.dir": dir }
      })
      assert.strictEqual(yield* sc.parallelize([1, 2, 3, 4], 4).map((x) => x * 2).count(), 4)
      yield* sc.waitForListeners()
      const api = `${sc.uiWebUrl!}/api/v1/applications/${sc.applicationId}`
      const executors = JSON.parse(yield* getText(`${api}/executors`)) as Json
      const added = addedIn(path.join(dir, `${sc.applicationId}.inprogress`))
      assert.isAbove(executors.length, 0)
      for (const executor of executors) {
        assert.strictEqual(executor.maxMemory, added.get(executor.id), `executor ${executor.id}`)
        assert.isAbove(executor.maxMemory, 0)
        assert.strictEqual(executor.memoryMetrics.totalOnHeapStorageMemory, executor.maxMemory)
      }
      const page = yield* getText(`${sc.uiWebUrl!}/executors/`)
      assert.include(page, `data-max-bytes="${executors[0].maxMemory}"`)
      const live = new Map<string, number>(executors.map((e: Json) => [e.id, e.maxMemory]))
      const appId = sc.applicationId
      yield* sc.stop()
      return { appId, live }
    }))
    const replayed = AppStatusListener.make(SparkConf.make())
    if (replayed instanceof InvalidArgumentError) throw new Error(replayed.message)
    yield* ReplayListenerBus.replay(path.join(dir, appId), [replayed])
    const fromLog = new Map(replayed.executors().filter((e) => live.has(e.id)).map((e) => [e.id, e.maxMemory]))
    assert.deepStrictEqual(fromLog, live)
    return live
  })

describe("executors' max memory", () => {
  it.live("local[2]: the driver's block manager memory, from its BlockManagerAdded, live and replayed", () =>
    Effect.gen(function*() {
      const live = yield* run("local[2]")
      assert.deepStrictEqual([...live.keys()], ["driver"])
    }))

  it.live(
    "local-cluster: each executor's block manager memory, from its BlockManagerAdded, live and replayed",
    () =>
      Effect.gen(function*() {
        const live = yield* run("local-cluster[2,1,128]")
        // The two executors' (the driver's block manager, posted too, has no executor row here).
        assert.strictEqual(live.size, 2)
        // Their storage share of the 128 MiB each was given.
        for (const max of live.values()) assert.isBelow(max, 128 * 1024 * 1024)
      }),
    60_000
  )

  it.live("local-process: an executor process's block manager memory, sent with its registration over TCP", () =>
    Effect.gen(function*() {
      const live = yield* run("local-process[1,1,128]")
      assert.strictEqual(live.size, 1)
    }), 60_000)

  it("the master announces a block manager registered before its bus, then its removal", () => {
    let now = 5
    const master = new BlockManagerMaster(() => now)
    const endpoint = { id: { executorId: "1", host: "h", port: 7 }, maxMemory: 1000 }
    master.register({ ...endpoint, removeBlock: () => {}, removeRdd: () => 0, removeShuffle: () => {} })
    const events: Array<SparkListenerEvent> = []
    now = 9
    master.listenerBus = { post: (event) => void events.push(event) }
    now = 12
    master.removeExecutor("1")
    master.removeExecutor("1")
    assert.deepStrictEqual(events, [
      { _tag: "BlockManagerAdded", time: 5, blockManagerId: endpoint.id, maxMem: 1000, maxOnHeapMem: 1000, maxOffHeapMem: 0 },
      { _tag: "BlockManagerRemoved", time: 12, blockManagerId: endpoint.id }
    ])
  })
})
