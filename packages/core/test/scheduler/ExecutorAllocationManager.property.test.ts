/**
 * Core dynamic allocation's policy over random event sequences: stages
 * submitted and completed, tasks started and ended (some failing), cached
 * blocks stored and unpersisted, time passing, with a cluster that does what
 * it is asked. After every round the target stays within
 * [minExecutors, maxExecutors] and, once the first job came, within what the
 * running and pending tasks need; a removal never takes the executors below
 * the minimum, never takes a busy one, and never one holding cached blocks.
 */
import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import { type AllocationSettings, AllocationState } from "../../src/internal/scheduler/executorAllocation.js"

type Command =
  | { readonly _tag: "Submit"; readonly numTasks: number }
  | { readonly _tag: "Start"; readonly pick: number }
  | { readonly _tag: "End"; readonly pick: number; readonly succeeded: boolean }
  | { readonly _tag: "Complete"; readonly pick: number }
  | { readonly _tag: "Cache"; readonly pick: number; readonly stored: boolean }
  | { readonly _tag: "Advance"; readonly ms: number }

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ _tag: fc.constant("Submit" as const), numTasks: fc.integer({ min: 0, max: 30 }) }),
  fc.record({ _tag: fc.constant("Start" as const), pick: fc.nat() }),
  fc.record({ _tag: fc.constant("End" as const), pick: fc.nat(), succeeded: fc.boolean() }),
  fc.record({ _tag: fc.constant("Complete" as const), pick: fc.nat() }),
  fc.record({ _tag: fc.constant("Cache" as const), pick: fc.nat(), stored: fc.boolean() }),
  fc.record({ _tag: fc.constant("Advance" as const), ms: fc.integer({ min: 100, max: 90_000 }) })
)

const settings: fc.Arbitrary<AllocationSettings> = fc
  .record({
    minExecutors: fc.integer({ min: 0, max: 4 }),
    extra: fc.integer({ min: 1, max: 8 }),
    initialAbove: fc.integer({ min: 0, max: 8 }),
    tasksPerExecutor: fc.integer({ min: 1, max: 4 })
  })
  .map(({ extra, initialAbove, minExecutors, tasksPerExecutor }) => ({
    minExecutors,
    maxExecutors: minExecutors + extra,
    initialExecutors: minExecutors + Math.min(initialAbove, extra),
    schedulerBacklogTimeoutMs: 1000,
    sustainedSchedulerBacklogTimeoutMs: 2000,
    executorIdleTimeoutMs: 60_000,
    cachedExecutorIdleTimeoutMs: Number.POSITIVE_INFINITY,
    executorAllocationRatio: 1,
    tasksPerExecutor
  }))

/** Runs the commands; the cluster starts executors up to each requested total and kills the ones asked. */
const run = (s: AllocationSettings, commands: ReadonlyArray<Command>) => {
  const state = new AllocationState(s)
  let now = 0
  let nextExecutor = 1
  let nextTask = 0
  const live: Array<string> = []
  const stages: Array<{ id: number; numTasks: number; started: Set<number> }> = []
  const running: Array<{ stage: number; index: number; taskId: number; executor: string }> = []
  const cached = new Map<string, string>()
  const launchUpTo = (total: number) => {
    while (live.length < total) {
      const id = String(nextExecutor++)
      live.push(id)
      state.onExecutorAdded(now, id)
    }
  }
  launchUpTo(s.initialExecutors)
  const round = () => {
    // An idle timeout ends the initial phase after this round's target update: the cap holds from the next.
    const wasInitializing = state.initializing
    for (const action of state.schedule(now)) {
      if (action._tag === "RequestTotal") {
        state.onRequestResult(action, true)
        launchUpTo(action.numExecutors)
        continue
      }
      const activeBefore = state.numActiveExecutors
      for (const id of action.executorIds) {
        assert.isFalse(running.some((task) => task.executor === id), `executor ${id} was busy`)
        assert.isFalse(cached.has(id), `executor ${id} holds cached blocks`)
      }
      state.onKillResult(now, action.executorIds, action.executorIds)
      assert.isAtLeast(state.numActiveExecutors, Math.min(s.minExecutors, activeBefore))
      for (const id of action.executorIds) {
        live.splice(live.indexOf(id), 1)
        state.onExecutorRemoved(id)
      }
    }
    assert.isAtLeast(state.numExecutorsTarget, s.minExecutors)
    assert.isAtMost(state.numExecutorsTarget, s.maxExecutors)
    if (!wasInitializing) {
      assert.isAtMost(state.numExecutorsTarget, Math.max(s.minExecutors, state.maxNumExecutorsNeeded))
    }
    // The rounds grow 1, 2, 4, ...
    assert.strictEqual(Math.log2(state.numExecutorsToAdd) % 1, 0)
  }
  let stageIds = 0
  for (const c of commands) {
    switch (c._tag) {
      case "Submit": {
        const id = stageIds++
        stages.push({ id, numTasks: c.numTasks, started: new Set() })
        state.onStageSubmitted(now, id, 0, c.numTasks)
        break
      }
      case "Start": {
        const stage = stages.find((st) => st.started.size < st.numTasks)
        const free = live.filter((id) => running.filter((t) => t.executor === id).length < s.tasksPerExecutor)
        if (stage === undefined || free.length === 0) break
        const index = [...Array(stage.numTasks).keys()].find((i) => !stage.started.has(i))!
        const executor = free[c.pick % free.length]!
        stage.started.add(index)
        running.push({ stage: stage.id, index, taskId: nextTask, executor })
        state.onTaskStart(now, stage.id, 0, index, nextTask++, executor)
        break
      }
      case "End": {
        if (running.length === 0) break
        const [task] = running.splice(c.pick % running.length, 1)
        if (!c.succeeded) stages.find((st) => st.id === task!.stage)?.started.delete(task!.index)
        state.onTaskEnd(now, task!.stage, 0, task!.index, task!.taskId, task!.executor, c.succeeded)
        break
      }
      case "Complete": {
        // A stage completes once all its tasks ran (those still running are left to end).
        const done = stages.findIndex((st) => st.started.size === st.numTasks && !running.some((t) => t.stage === st.id))
        if (done < 0) break
        const [stage] = stages.splice(done, 1)
        state.onStageCompleted(stage!.id, 0)
        break
      }
      case "Cache": {
        if (live.length === 0) break
        const executor = live[c.pick % live.length]!
        const blockId = `rdd_0_${c.pick % 7}`
        if (c.stored) cached.set(executor, blockId)
        else if (cached.get(executor) !== undefined) {
          state.onBlockUpdated(executor, cached.get(executor)!, false)
          cached.delete(executor)
          break
        }
        if (c.stored) state.onBlockUpdated(executor, blockId, true)
        break
      }
      case "Advance": {
        // The policy runs every 100 ms.
        const end = now + c.ms
        while (now + 100 <= end) {
          now += 100
          round()
        }
        break
      }
    }
  }
}

describe("ExecutorAllocationManager policy (core), property", () => {
  it("the target stays within bounds and removals spare the minimum, busy executors and cached data", () => {
    fc.assert(
      fc.property(settings, fc.array(command, { maxLength: 60 }), (s, commands) => run(s, commands)),
      { numRuns: 150 }
    )
  })
})
