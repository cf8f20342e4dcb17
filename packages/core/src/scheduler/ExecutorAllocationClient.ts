/**
 * The seam through which dynamic allocation asks the cluster for executors
 * and gives them back: how many the application wants in total, a few more,
 * or these ones killed or decommissioned. Core's and streaming's
 * `ExecutorAllocationManager`s decide; the worker-thread and process backends
 * (`local-cluster`, `local-process`) implement it, as a Kubernetes pod
 * launcher will. The in-process backend (`local[N]`) cannot allocate: its
 * client (`unsupported`) fails every call with a `DynamicAllocationUnsupportedError`.
 *
 * Mirrors `org.apache.spark.ExecutorAllocationClient`.
 *
 * @since 0.1.0
 */
import { Data, Effect } from "effect"

/**
 * How `killExecutors` treats the executors it kills.
 *
 * @category models
 * @since 0.1.0
 */
export interface KillOptions {
  /** Lower the target total by the executors killed, so they are not replaced (Spark's default for `killExecutor`). */
  readonly adjustTargetNumExecutors: boolean
  /** Count the failures of tasks running on the killed executors toward `spark.task.maxFailures`. */
  readonly countFailures: boolean
  /** Kill busy executors too; without it an executor running tasks is left alone. */
  readonly force: boolean
}

/**
 * The options `killExecutor` uses, as Spark's: the target is lowered, failures are not counted, busy executors are kept.
 *
 * @category constants
 * @since 0.1.0
 */
export const defaultKillOptions: KillOptions = { adjustTargetNumExecutors: true, countFailures: false, force: false }

/**
 * The backend cannot start or stop executors (the in-process backend runs
 * every task in the driver): turn dynamic allocation off or use
 * `local-cluster[N,C,M]` or `local-process[N,C,M]`.
 *
 * **Example**
 * ```ts
 * new DynamicAllocationUnsupportedError({ backend: "local[4]", message: "..." })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class DynamicAllocationUnsupportedError extends Data.TaggedError("DynamicAllocationUnsupportedError")<{
  readonly backend: string
  readonly message: string
}> {}

/**
 * A request to the cluster was invalid (a negative count, an empty executor id)
 * or the cluster could not carry it out; the message says which.
 *
 * **Example**
 * ```ts
 * new ExecutorAllocationRequestError({ method: "requestTotalExecutors", message: "numExecutors must be an integer >= 0, got -1" })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class ExecutorAllocationRequestError extends Data.TaggedError("ExecutorAllocationRequestError")<{
  readonly method: string
  readonly message: string
}> {}

/**
 * Every failure of an allocation request.
 *
 * @category errors
 * @since 0.1.0
 */
export type ExecutorAllocationError = DynamicAllocationUnsupportedError | ExecutorAllocationRequestError

/**
 * A client of the cluster manager that requests and kills executors. The
 * `boolean` results say whether the cluster acknowledged the request (Spark's
 * contract); a request the cluster cannot serve at all fails instead.
 *
 * Mirrors `org.apache.spark.ExecutorAllocationClient`.
 *
 * **Example**
 * ```ts
 * const grow = (client: ExecutorAllocationClient.ExecutorAllocationClient) =>
 *   Effect.flatMap(client.getExecutorIds, (ids) => client.requestTotalExecutors(ids.length + 1))
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface ExecutorAllocationClient {
  /** The executors that are active now (registered and not being killed). */
  readonly getExecutorIds: Effect.Effect<ReadonlyArray<string>, ExecutorAllocationError>
  /** Whether an executor can run tasks for this application now. */
  readonly isExecutorActive: (executorId: string) => Effect.Effect<boolean, ExecutorAllocationError>
  /**
   * Tells the cluster the total number of executors wanted. The cluster kills
   * no running executor to reach it, but starts executors up to it, and would
   * start that many again if every executor died. `localityAwareTasks` (tasks
   * of the active stages that prefer hosts) and `hostToLocalTaskCount` (those
   * tasks per host) help it place the new executors.
   */
  readonly requestTotalExecutors: (
    numExecutors: number,
    localityAwareTasks?: number,
    hostToLocalTaskCount?: ReadonlyMap<string, number>
  ) => Effect.Effect<boolean, ExecutorAllocationError>
  /** Asks for `numAdditionalExecutors` executors on top of the current target. */
  readonly requestExecutors: (numAdditionalExecutors: number) => Effect.Effect<boolean, ExecutorAllocationError>
  /**
   * Kills executors; returns the ids the cluster acknowledged (unknown ids,
   * and busy executors without `force`, are left out). Their running tasks
   * finish or fail as `options` says; their cached blocks and shuffle outputs
   * are handled as on executor loss.
   */
  readonly killExecutors: (
    executorIds: ReadonlyArray<string>,
    options?: Partial<KillOptions>
  ) => Effect.Effect<ReadonlyArray<string>, ExecutorAllocationError>
  /** Kills one executor with `defaultKillOptions`; whether the cluster acknowledged it. */
  readonly killExecutor: (executorId: string) => Effect.Effect<boolean, ExecutorAllocationError>
  /**
   * Decommissions executors: they are offered no new tasks, their running
   * tasks finish, then they stop (their cached blocks and shuffle outputs are
   * then handled as on executor loss). Returns the ids the cluster
   * acknowledged (unknown ids and executors already leaving are left out).
   * `adjustTargetNumExecutors` (default true) lowers the target total so they
   * are not replaced.
   *
   * Mirrors `ExecutorAllocationClient.decommissionExecutors` (Spark 3.1).
   */
  readonly decommissionExecutors: (
    executorIds: ReadonlyArray<string>,
    options?: { readonly adjustTargetNumExecutors?: boolean }
  ) => Effect.Effect<ReadonlyArray<string>, ExecutorAllocationError>
}

/**
 * What a backend implements; `make` adds the argument checks and `killExecutor`.
 *
 * @category models
 * @since 0.1.0
 */
export interface ExecutorAllocationBackend {
  readonly getExecutorIds: Effect.Effect<ReadonlyArray<string>, ExecutorAllocationError>
  readonly isExecutorActive: (executorId: string) => Effect.Effect<boolean, ExecutorAllocationError>
  readonly requestTotalExecutors: (
    numExecutors: number,
    localityAwareTasks: number,
    hostToLocalTaskCount: ReadonlyMap<string, number>
  ) => Effect.Effect<boolean, ExecutorAllocationError>
  readonly requestExecutors: (numAdditionalExecutors: number) => Effect.Effect<boolean, ExecutorAllocationError>
  readonly killExecutors: (
    executorIds: ReadonlyArray<string>,
    options: KillOptions
  ) => Effect.Effect<ReadonlyArray<string>, ExecutorAllocationError>
  readonly decommissionExecutors: (
    executorIds: ReadonlyArray<string>,
    adjustTargetNumExecutors: boolean
  ) => Effect.Effect<ReadonlyArray<string>, ExecutorAllocationError>
}

const badCount = (method: string, name: string, value: number): ExecutorAllocationRequestError | undefined =>
  Number.isSafeInteger(value) && value >= 0
    ? undefined
    : new ExecutorAllocationRequestError({ method, message: `${name} must be an integer >= 0, got ${value}` })

const badIds = (method: string, ids: ReadonlyArray<string>): ExecutorAllocationRequestError | undefined => {
  const bad = ids.find((id) => typeof id !== "string" || id.length === 0)
  return bad === undefined
    ? undefined
    : new ExecutorAllocationRequestError({ method, message: `executor ids must be non-empty strings, got ${JSON.stringify(bad)}` })
}

/**
 * A client over a backend's implementation: every call checks its arguments
 * first (counts are integers >= 0, ids non-empty) and fails with an
 * `ExecutorAllocationRequestError` naming the bad one; `killExecutor` kills
 * one executor through `killExecutors` as Spark's default method does.
 *
 * **Example**
 * ```ts
 * const client = ExecutorAllocationClient.make({
 *   getExecutorIds: Effect.succeed(["1"]),
 *   isExecutorActive: (id) => Effect.succeed(id === "1"),
 *   requestTotalExecutors: () => Effect.succeed(true),
 *   requestExecutors: () => Effect.succeed(true),
 *   killExecutors: (ids) => Effect.succeed(ids)
 * })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (backend: ExecutorAllocationBackend): ExecutorAllocationClient => {
  const killExecutors = (executorIds: ReadonlyArray<string>, options: Partial<KillOptions> = {}) => {
    const bad = badIds("killExecutors", executorIds)
    return bad !== undefined ? Effect.fail(bad) : backend.killExecutors(executorIds, { ...defaultKillOptions, ...options })
  }
  return {
    getExecutorIds: backend.getExecutorIds,
    isExecutorActive: (executorId) => {
      const bad = badIds("isExecutorActive", [executorId])
      return bad !== undefined ? Effect.fail(bad) : backend.isExecutorActive(executorId)
    },
    requestTotalExecutors: (numExecutors, localityAwareTasks = 0, hostToLocalTaskCount = new Map()) => {
      const bad = badCount("requestTotalExecutors", "numExecutors", numExecutors) ??
        badCount("requestTotalExecutors", "localityAwareTasks", localityAwareTasks) ??
        [...hostToLocalTaskCount.values()].map((n) => badCount("requestTotalExecutors", "hostToLocalTaskCount's counts", n))
          .find((e) => e !== undefined)
      return bad !== undefined ? Effect.fail(bad) : backend.requestTotalExecutors(numExecutors, localityAwareTasks, hostToLocalTaskCount)
    },
    requestExecutors: (numAdditionalExecutors) => {
      const bad = badCount("requestExecutors", "numAdditionalExecutors", numAdditionalExecutors)
      return bad !== undefined ? Effect.fail(bad) : backend.requestExecutors(numAdditionalExecutors)
    },
    killExecutors,
    killExecutor: (executorId) =>
      Effect.map(killExecutors([executorId], defaultKillOptions), (killed) => killed.length > 0 && killed[0] === executorId),
    decommissionExecutors: (executorIds, options = {}) => {
      const bad = badIds("decommissionExecutors", executorIds)
      return bad !== undefined
        ? Effect.fail(bad)
        : backend.decommissionExecutors(executorIds, options.adjustTargetNumExecutors ?? true)
    }
  }
}

/**
 * The error a backend that cannot allocate executors gives: it names the
 * backend, says why (by default: it runs every task in the driver) and what to change.
 *
 * **Example**
 * ```ts
 * ExecutorAllocationClient.unsupportedError("local[4]").message
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const unsupportedError = (backend: string, reason = "runs every task in the driver"): DynamicAllocationUnsupportedError =>
  new DynamicAllocationUnsupportedError({
    backend,
    message: `The ${backend} backend ${reason} and cannot start or stop executors: ` +
      "set spark.dynamicAllocation.enabled and spark.streaming.dynamicAllocation.enabled to false, " +
      "or use local-cluster[N,C,M] or local-process[N,C,M]"
  })

/**
 * The client of a backend that cannot allocate executors (the in-process
 * backend, or executors started by hand): every call fails with a
 * `DynamicAllocationUnsupportedError` that names the backend, says why
 * (`reason`; by default: it runs every task in the driver) and what to change.
 *
 * **Example**
 * ```ts
 * const client = ExecutorAllocationClient.unsupported("local[4]")
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const unsupported = (backend: string, reason?: string): ExecutorAllocationClient => {
  const refuse = Effect.fail(unsupportedError(backend, reason))
  return {
    getExecutorIds: refuse,
    isExecutorActive: () => refuse,
    requestTotalExecutors: () => refuse,
    requestExecutors: () => refuse,
    killExecutors: () => refuse,
    killExecutor: () => refuse,
    decommissionExecutors: () => refuse
  }
}

/**
 * One call a `simulated` cluster received, with what it answered.
 *
 * @category testing
 * @since 0.1.0
 */
export type AllocationCall =
  | { readonly _tag: "RequestTotalExecutors"; readonly numExecutors: number; readonly localityAwareTasks: number }
  | { readonly _tag: "RequestExecutors"; readonly numAdditionalExecutors: number }
  | {
    readonly _tag: "KillExecutors"
    readonly executorIds: ReadonlyArray<string>
    readonly options: KillOptions
    readonly killed: ReadonlyArray<string>
  }
  | {
    readonly _tag: "DecommissionExecutors"
    readonly executorIds: ReadonlyArray<string>
    readonly adjustTargetNumExecutors: boolean
    readonly decommissioned: ReadonlyArray<string>
  }

/**
 * A simulated cluster and its client, for tests of allocation policies: it
 * starts executors at once up to the target (ids `"1"`, `"2"`, ... in order),
 * kills the ids it knows (a busy one only with `force`), stops a
 * decommissioned executor once it is not busy, and records every call.
 *
 * @category testing
 * @since 0.1.0
 */
export interface SimulatedCluster {
  readonly client: ExecutorAllocationClient
  /** The live executors, oldest first. */
  readonly executorIds: () => ReadonlyArray<string>
  /** The total last requested (lowered by kills that adjust it). */
  readonly target: () => number
  /** Every call, in order. */
  readonly calls: () => ReadonlyArray<AllocationCall>
  /** Marks an executor as running tasks (or not), for kills without `force`; a decommissioned one stops when it is not busy. */
  readonly setBusy: (executorId: string, busy: boolean) => void
}

/**
 * A `SimulatedCluster` with `initialExecutors` executors running.
 *
 * **Example**
 * ```ts
 * const cluster = ExecutorAllocationClient.simulated(2)
 * yield* cluster.client.requestTotalExecutors(3)
 * cluster.executorIds() // ["1", "2", "3"]
 * ```
 *
 * @category testing
 * @since 0.1.0
 */
export const simulated = (initialExecutors: number): SimulatedCluster => {
  const live: Array<string> = []
  const busy = new Set<string>()
  const leaving = new Set<string>()
  const calls: Array<AllocationCall> = []
  let target = initialExecutors
  let nextId = 1
  const launchUpToTarget = () => {
    while (live.length < target) live.push(String(nextId++))
  }
  launchUpToTarget()
  const client = make({
    getExecutorIds: Effect.sync(() => live.filter((id) => !leaving.has(id))),
    isExecutorActive: (id) => Effect.sync(() => live.includes(id) && !leaving.has(id)),
    requestTotalExecutors: (numExecutors, localityAwareTasks) =>
      Effect.sync(() => {
        calls.push({ _tag: "RequestTotalExecutors", numExecutors, localityAwareTasks })
        target = numExecutors
        launchUpToTarget()
        return true
      }),
    requestExecutors: (numAdditionalExecutors) =>
      Effect.sync(() => {
        calls.push({ _tag: "RequestExecutors", numAdditionalExecutors })
        target += numAdditionalExecutors
        launchUpToTarget()
        return true
      }),
    killExecutors: (executorIds, options) =>
      Effect.sync(() => {
        const killed = executorIds.filter((id) => live.includes(id) && (options.force || !busy.has(id)))
        for (const id of killed) live.splice(live.indexOf(id), 1)
        if (options.adjustTargetNumExecutors) target = Math.max(0, target - killed.length)
        calls.push({ _tag: "KillExecutors", executorIds, options, killed })
        return killed
      }),
    decommissionExecutors: (executorIds, adjustTargetNumExecutors) =>
      Effect.sync(() => {
        const decommissioned = executorIds.filter((id) => live.includes(id) && !leaving.has(id))
        for (const id of decommissioned) {
          if (busy.has(id)) leaving.add(id)
          else live.splice(live.indexOf(id), 1)
        }
        if (adjustTargetNumExecutors) target = Math.max(0, target - decommissioned.length)
        calls.push({ _tag: "DecommissionExecutors", executorIds, adjustTargetNumExecutors, decommissioned })
        return decommissioned
      })
  })
  return {
    client,
    executorIds: () => [...live],
    target: () => target,
    calls: () => [...calls],
    setBusy: (id, isBusy) => {
      if (isBusy) return void busy.add(id)
      busy.delete(id)
      if (leaving.delete(id)) live.splice(live.indexOf(id), 1)
    }
  }
}
