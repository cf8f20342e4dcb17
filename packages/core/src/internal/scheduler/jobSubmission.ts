// What SparkContext.runJob does before and after handing a job to the DAG
// scheduler: refuse a stopped context, a foreign or invalid RDD and a function
// that cannot ship (Spark's closure cleaning), merge the driver's and the
// fiber's local properties, and checkpoint the RDD once the job has computed
// it. Split from SparkContext.ts, which keeps the public methods.
import { Effect, Fiber, type Scope } from "effect"
import { LocalProperties } from "../../LocalProperties.js"
import type { RDD, RDDError } from "../../rdd/RDD.js"
import type { TaskContext } from "../../scheduler/TaskContext.js"
import type { JobHandle } from "../../FutureAction.js"
import type { SparkContext } from "../../SparkContext.js"
import { InvalidArgumentError, SparkContextStoppedError } from "../../SparkError.js"
import type { Services } from "./sparkContextLayers.js"
import { checkShippable } from "./taskPlan.js"

/** What a context lends the job submission: itself, its services, its scope and its driver-wide properties. */
export interface Submitter {
  readonly context: SparkContext
  readonly services: Services
  readonly scope: Scope.Scope
  readonly properties: ReadonlyMap<string, string>
}

/** Submits a job and returns its id with an effect that waits for its results. */
export const startJob = <T, U>(
  submitter: Submitter,
  rdd: RDD<T>,
  func: (iterator: Iterator<T>, ctx: TaskContext) => U,
  partitions: ReadonlyArray<number> | undefined
): Effect.Effect<readonly [number, Effect.Effect<Array<U>, RDDError>], RDDError> =>
  Effect.gen(function*() {
    const { context, services } = submitter
    if (context.isStopped) {
      return yield* new SparkContextStoppedError({
        operation: "runJob",
        message: "Cannot call methods on a stopped SparkContext: create a new one"
      })
    }
    if (rdd.context !== context) {
      return yield* new InvalidArgumentError({
        method: "runJob",
        message: `RDD ${rdd.id} belongs to another SparkContext: RDDs cannot be shared between contexts`
      })
    }
    const invalid = rdd.validationError
    if (invalid !== undefined) return yield* Effect.fail(invalid)
    // Refuse functions that cannot ship now, naming what they capture (Spark's "Task not serializable").
    const job = func as (iterator: Iterator<unknown>, ctx: TaskContext) => U
    const notShippable = services.backend.shipsTasks ? checkShippable(rdd as RDD<unknown>, job) : undefined
    if (notShippable !== undefined) return yield* Effect.fail(notShippable)
    const properties = new Map([...submitter.properties, ...(yield* LocalProperties)])
    const waiter = yield* services.dag.submitJob(rdd as RDD<unknown>, job, partitions, properties)
    // As Spark's runJob: checkpoint the RDD once a job has computed it; clear the progress bar before the caller
    // (who may print) gets the result.
    const done = waiter.totalTasks === 0 ? waiter.await : Effect.tap(waiter.await, () => rdd.doCheckpoint())
    return [waiter.jobId, Effect.ensuring(done, context.status.jobFinished)] as const
  })

/** Submits a job without waiting for it: its wait runs in the context's scope, behind a handle. */
export const submitJob = <T, U>(
  submitter: Submitter,
  rdd: RDD<T>,
  func: (iterator: Iterator<T>, ctx: TaskContext) => U,
  partitions: ReadonlyArray<number> | undefined
): Effect.Effect<JobHandle<Array<U>>, RDDError> =>
  Effect.gen(function*() {
    const [jobId, wait] = yield* startJob(submitter, rdd, func, partitions)
    const fiber = yield* Effect.forkIn(wait, submitter.scope)
    return {
      jobId,
      await: Fiber.join(fiber),
      // Cancelling goes through the scheduler, so `await` fails with JobCancelledError.
      cancel: Effect.sync(() => submitter.services.dag.cancelJob(jobId, "by request"))
    }
  })
