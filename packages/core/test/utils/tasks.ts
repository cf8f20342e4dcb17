/** Tasks and executors built by hand, for tests that drive a backend or an executor directly. */
import { Effect, type Scope } from "effect"
import * as os from "node:os"
import * as path from "node:path"
import { Executor } from "../../src/executor/Executor.js"
import type { FromExecutor } from "../../src/internal/executor/protocol.js"
import type { TaskBinary, TaskDescription } from "../../src/scheduler/Task.js"

/** A task of `binary` for partition `index` (default 0), attempt 0 of stage 0, on the driver unless `overrides` say otherwise. */
export const describeTask = (
  binary: TaskBinary,
  overrides: Partial<Omit<TaskDescription, "binary" | "partition">> = {}
): TaskDescription => {
  const index = overrides.index ?? 0
  return {
    taskId: 0,
    jobId: 0,
    stageId: 0,
    stageAttemptId: 0,
    attemptNumber: 0,
    executorId: "driver",
    locality: "ANY",
    localProperties: new Map(),
    ...overrides,
    index,
    partition: binary.rdd.partitions[index]!,
    binary
  }
}

/** An executor `exec-0` in this thread whose messages to the driver go to `sent`; stopped when the scope closes. */
export const executorInThread = (
  sent: Array<FromExecutor>,
  name: string
): Effect.Effect<Executor, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() =>
      new Executor(
        {
          executorId: "exec-0",
          host: "localhost",
          cores: 1,
          maxMemory: 1 << 24,
          localDir: path.join(os.tmpdir(), `tspark-${name}-${process.pid}`),
          conf: [],
          heartbeatIntervalMs: 1000
        },
        (message) => sent.push(message)
      )
    ),
    (executor) => Effect.sync(() => executor.stop())
  )
