/**
 * The console progress bar, on the TestClock with a fake terminal: nothing
 * for the first 500 ms of a stage, then Spark's `[Stage N:==>  (done + running)
 * / total]` redrawn every update interval when it changed, side by side for
 * concurrent stages, cleared when the stage ends; never without a terminal.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import type { StageInfo, TaskInfo } from "../../src/scheduler/SparkListener.js"
import * as SparkConf from "../../src/SparkConf.js"
import * as SparkContext from "../../src/SparkContext.js"
import { InvalidArgumentError } from "../../src/SparkError.js"
import * as ConsoleProgressBar from "../../src/ui/ConsoleProgressBar.js"
import { stageInfo } from "../utils/listenerEvents.js"

const terminal = (isTTY = true) => {
  const writes: Array<string> = []
  return { writes, writer: { isTTY, write: (text: string) => void writes.push(text) } }
}

const stage = (stageId: number, numTasks: number, submissionTime: number, completionTime?: number): StageInfo =>
  stageInfo(stageId, numTasks, { submissionTime, completionTime })

const task = (taskId: number) => ({ taskId, index: taskId, attemptNumber: 0 }) as unknown as TaskInfo

describe("ConsoleProgressBar", () => {
  it("renders Spark's format, sharing the width among stages", () => {
    const one = ConsoleProgressBar.render([{ stageId: 3, numTasks: 40, numCompleteTasks: 12, numActiveTasks: 2 }], 80)
    assert.strictEqual(one.length, 80)
    assert.match(one, /^\[Stage 3:=+> +\(12 \+ 2\) \/ 40\]$/)
    // 12/40 of the 57 bar columns (80 less the header and the counts) are done.
    assert.strictEqual(one.indexOf(">") - "[Stage 3:".length, Math.floor((57 * 12) / 40))
    const two = ConsoleProgressBar.render([
      { stageId: 1, numTasks: 4, numCompleteTasks: 4, numActiveTasks: 0 },
      { stageId: 2, numTasks: 4, numCompleteTasks: 0, numActiveTasks: 4 }
    ], 80)
    assert.strictEqual(two.length, 80)
    assert.match(two, /^\[Stage 1:=+\(4 \+ 0\) \/ 4\]\[Stage 2:> +\(0 \+ 4\) \/ 4\]$/)
  })

  it("is on with a terminal unless spark.ui.showConsoleProgress is false, off without one", () => {
    assert.isTrue(ConsoleProgressBar.enabled(SparkConf.make(), terminal().writer))
    assert.isFalse(ConsoleProgressBar.enabled(SparkConf.make({ "spark.ui.showConsoleProgress": false }), terminal().writer))
    assert.isFalse(ConsoleProgressBar.enabled(SparkConf.make(), terminal(false).writer))
    assert.instanceOf(
      ConsoleProgressBar.enabled(SparkConf.make({ "spark.ui.showConsoleProgress": "maybe" }), terminal().writer),
      InvalidArgumentError
    )
  })

  it.effect("shows a stage after 500 ms, redraws as tasks end, clears when it ends", () =>
    Effect.gen(function*() {
      const { writer, writes } = terminal()
      const bar = new ConsoleProgressBar.ConsoleProgressBar(writer, 80)
      const fiber = yield* Effect.forkChild(ConsoleProgressBar.run(bar, "200 millis"))
      bar.listener.onStageSubmitted!({ _tag: "StageSubmitted", stageInfo: stage(0, 4, 0) })
      for (const id of [0, 1]) bar.listener.onTaskStart!({ _tag: "TaskStart", stageId: 0, stageAttemptId: 0, taskInfo: task(id) })
      yield* TestClock.adjust("400 millis")
      assert.deepStrictEqual(writes, [], "nothing while the stage is younger than 500 ms")
      yield* TestClock.adjust("200 millis")
      assert.strictEqual(writes.length, 1)
      assert.match(writes[0]!, /^\r\[Stage 0:> +\(0 \+ 2\) \/ 4\]\r$/)
      yield* TestClock.adjust("400 millis")
      assert.strictEqual(writes.length, 1, "an unchanged bar is not redrawn")
      bar.listener.onTaskEnd!({
        _tag: "TaskEnd",
        stageId: 0,
        stageAttemptId: 0,
        taskType: "ResultTask",
        reason: { _tag: "Success" },
        taskInfo: task(0),
        finishTime: 1000
      })
      yield* TestClock.adjust("200 millis")
      assert.strictEqual(writes.length, 2)
      assert.match(writes[1]!, /^\r\[Stage 0:=+> +\(1 \+ 1\) \/ 4\]\r$/)
      // A second stage runs beside it.
      bar.listener.onStageSubmitted!({ _tag: "StageSubmitted", stageInfo: stage(1, 2, 1200) })
      yield* TestClock.adjust("600 millis")
      assert.match(writes.at(-1)!, /^\r\[Stage 0:.*\(1 \+ 1\) \/ 4\]\[Stage 1:.*\(0 \+ 0\) \/ 2\]\r$/)
      assert.strictEqual(writes.at(-1)!.length, 82)
      bar.listener.onStageCompleted!({ _tag: "StageCompleted", stageInfo: stage(0, 4, 0, 1800) })
      assert.strictEqual(writes.at(-1), `\r${" ".repeat(80)}\r`, "cleared when the stage ends")
      assert.strictEqual(bar.shown, "")
      assert.strictEqual(bar.activeStages, 1)
      const cleared = writes.length
      yield* TestClock.adjust("400 millis")
      assert.strictEqual(writes.length, cleared, "nothing within 500 ms of a stage's end")
      yield* TestClock.adjust("200 millis")
      assert.match(writes.at(-1)!, /^\r\[Stage 1:> +\(0 \+ 0\) \/ 2\]\r$/)
      yield* Fiber.interrupt(fiber)
      assert.strictEqual(writes.at(-1), `\r${" ".repeat(80)}\r`, "cleared when it stops")
    }))

  it.effect("finishAll (a job's result is in) clears the bar and holds it back 500 ms", () =>
    Effect.gen(function*() {
      const { writer, writes } = terminal()
      const bar = new ConsoleProgressBar.ConsoleProgressBar(writer, 80)
      bar.listener.onStageSubmitted!({ _tag: "StageSubmitted", stageInfo: stage(0, 4, 0) })
      yield* TestClock.adjust("600 millis")
      bar.refresh(600)
      assert.match(bar.shown, /^\[Stage 0:/)
      yield* ConsoleProgressBar.finishAll(bar)
      assert.strictEqual(writes.at(-1), `\r${" ".repeat(80)}\r`)
      bar.refresh(1000)
      assert.strictEqual(bar.shown, "")
      bar.refresh(1101)
      assert.match(bar.shown, /^\[Stage 0:/)
    }))

  it.effect("keeps only the active stages, over thousands of stages", () =>
    Effect.sync(() => {
      const bar = new ConsoleProgressBar.ConsoleProgressBar(terminal().writer, 80)
      for (let id = 0; id < 5000; id++) {
        bar.listener.onStageSubmitted!({ _tag: "StageSubmitted", stageInfo: stage(id, 1, id) })
        bar.listener.onStageCompleted!({ _tag: "StageCompleted", stageInfo: stage(id, 1, id, id + 1) })
      }
      assert.strictEqual(bar.activeStages, 0)
    }))

  it.effect("a context with stderr not a terminal starts none; a bad interval names its key", () =>
    Effect.gen(function*() {
      const none = yield* Effect.scoped(Effect.gen(function*() {
        const { writer, writes } = terminal(false)
        const sc = yield* SparkContext.make({ master: "local[1]" })
        const started = yield* ConsoleProgressBar.start(sc, yield* Effect.context<never>(), yield* Effect.scope, writer)
        return { started, writes }
      }))
      assert.isUndefined(none.started)
      assert.deepStrictEqual(none.writes, [])
      const error = yield* Effect.flip(Effect.scoped(SparkContext.make({
        master: "local[1]",
        conf: { "spark.ui.consoleProgress.update.interval": "soon" }
      })))
      assert.include(error.message, "spark.ui.consoleProgress.update.interval")
    }))
})
