/**
 * JsonProtocol: every kind of event goes to one JSON line and back unchanged
 * (a property over generated events), under Spark's event names; decoding
 * names the bad field; a replay tolerates only an in-progress log's cut-short
 * last line and names the file and line of any other bad one.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fc from "fast-check"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as ReplayListenerBus from "../../src/scheduler/ReplayListenerBus.js"
import type { SparkListenerEvent } from "../../src/scheduler/SparkListener.js"
import * as JsonProtocol from "../../src/util/JsonProtocol.js"
import { sparkEvent } from "../arbitraries/events.js"

const SPARK_NAMES: Record<SparkListenerEvent["_tag"], string> = {
  ApplicationStart: "SparkListenerApplicationStart",
  ApplicationEnd: "SparkListenerApplicationEnd",
  BlockManagerAdded: "SparkListenerBlockManagerAdded",
  BlockManagerRemoved: "SparkListenerBlockManagerRemoved",
  EnvironmentUpdate: "SparkListenerEnvironmentUpdate",
  JobStart: "SparkListenerJobStart",
  JobEnd: "SparkListenerJobEnd",
  StageSubmitted: "SparkListenerStageSubmitted",
  StageCompleted: "SparkListenerStageCompleted",
  TaskStart: "SparkListenerTaskStart",
  TaskEnd: "SparkListenerTaskEnd",
  ExecutorAdded: "SparkListenerExecutorAdded",
  ExecutorRemoved: "SparkListenerExecutorRemoved",
  BlockUpdated: "SparkListenerBlockUpdated",
  UnpersistRDD: "SparkListenerUnpersistRDD",
  OtherEvent: "SparkListenerOtherEvent"
}

const line = (event: SparkListenerEvent) => JSON.stringify(JsonProtocol.sparkEventToJson(event))

const writeLog = (name: string, lines: ReadonlyArray<string>) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tspark-json-"))
  const file = path.join(dir, name)
  fs.writeFileSync(file, lines.join("\n"))
  return file
}

describe("JsonProtocol", () => {
  it("every event goes to one JSON line and back unchanged, named as Spark names it", () => {
    const seen = new Set<string>()
    fc.assert(
      fc.property(sparkEvent, (event) => {
        const text = line(event)
        assert.notInclude(text, "\n")
        const json = JSON.parse(text) as Record<string, unknown>
        assert.strictEqual(json["Event"], SPARK_NAMES[event._tag])
        seen.add(event._tag)
        assert.deepStrictEqual(JsonProtocol.parseLine(text, "log", 2), event)
      }),
      { numRuns: 500 }
    )
    assert.strictEqual(seen.size, Object.keys(SPARK_NAMES).length, "every kind generated")
  })

  it("a missing or mistyped field is named by its path", () => {
    const taskStart = JSON.parse(line({
      _tag: "TaskStart",
      stageId: 1,
      stageAttemptId: 0,
      taskInfo: { taskId: 3, index: 0, attemptNumber: 0, executorId: "1", host: "h", locality: "ANY", launchTime: 5 }
    }))
    taskStart["Task Info"]["Executor ID"] = 7
    const bad = JsonProtocol.parseLine(JSON.stringify(taskStart), "/logs/app-1", 9)
    assert.instanceOf(bad, JsonProtocol.EventLogFormatError)
    assert.include(
      (bad as JsonProtocol.EventLogFormatError).message,
      `/logs/app-1:9: "Task Info"."Executor ID": expected a string, got number`
    )
    const unknown = JsonProtocol.parseLine(`{"Event":"SparkListenerNothing"}`, "f", 2)
    assert.include((unknown as JsonProtocol.EventLogFormatError).message, "a known event name")
    const future = JsonProtocol.parseLine(`{"Event":"SparkListenerLogStart","Spark Version":"9","Format Version":2}`, "f", 1)
    assert.include((future as JsonProtocol.EventLogFormatError).message, "format version 2")
  })
})

describe("ReplayListenerBus", () => {
  const start = JSON.stringify(JsonProtocol.logStart)
  const events: ReadonlyArray<SparkListenerEvent> = [
    { _tag: "ApplicationStart", appName: "a", appId: "app-1", time: 1, sparkUser: "me" },
    { _tag: "JobEnd", jobId: 0, time: 2, result: "JobSucceeded" },
    { _tag: "ApplicationEnd", time: 3 }
  ]

  it.live("replays every event, in order, into each listener", () =>
    Effect.gen(function*() {
      const file = writeLog("app-1", [start, ...events.map(line)])
      const heard: Array<string> = []
      const result = yield* ReplayListenerBus.replay(file, [{
        onApplicationStart: (e) => heard.push(e._tag),
        onJobEnd: (e) => heard.push(e._tag),
        onApplicationEnd: (e) => heard.push(e._tag)
      }])
      assert.deepStrictEqual(heard, ["ApplicationStart", "JobEnd", "ApplicationEnd"])
      assert.deepStrictEqual(result, { events: 3, truncated: false, listenerErrors: [] })
    }))

  it.live("an in-progress log's cut-short last line is skipped", () =>
    Effect.gen(function*() {
      const cut = line(events[1]!).slice(0, 25)
      const file = writeLog("app-2.inprogress", [start, line(events[0]!), cut])
      const result = yield* ReplayListenerBus.replay(file, [])
      assert.deepStrictEqual(result, { events: 1, truncated: true, listenerErrors: [] })
    }))

  it.live("a corrupt line elsewhere (or at the end of a completed log) fails, naming the file and line", () =>
    Effect.gen(function*() {
      const middle = writeLog("app-3.inprogress", [start, line(events[0]!), "{not json", line(events[2]!)])
      const error = yield* Effect.flip(ReplayListenerBus.replay(middle, []))
      assert.strictEqual(error._tag, "EventLogFormatError")
      assert.include(error.message, `${middle}:3: not a JSON line`)
      const completed = writeLog("app-4", [start, line(events[0]!), line(events[1]!).slice(0, 25)])
      const cut = yield* Effect.flip(ReplayListenerBus.replay(completed, []))
      assert.include(cut.message, `${completed}:3`)
      const noHeader = writeLog("app-5", [line(events[0]!)])
      assert.include((yield* Effect.flip(ReplayListenerBus.replay(noHeader, []))).message, "not an event log")
      const missing = yield* Effect.flip(ReplayListenerBus.replay(path.join(os.tmpdir(), "no-such-log"), []))
      assert.strictEqual(missing._tag, "EventLogReadError")
    }))
})
