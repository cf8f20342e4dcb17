/**
 * Local properties of the jobs a fiber submits: job group, description,
 * scheduler pool. Spark keeps them per thread in `SparkContext`; tspark keeps
 * them per fiber in an Effect `Context.Reference`, so they follow the effect
 * that submits the job. `SparkContext` re-exports these combinators.
 *
 * Mirrors `org.apache.spark.SparkContext#localProperties`.
 *
 * @since 0.1.0
 */
import { Context, Effect } from "effect"

/**
 * Local properties of the jobs submitted by the current fiber (job group,
 * description, scheduler pool), like Spark's thread-local properties.
 *
 * **Example**
 * ```ts
 * rdd.count().pipe(SparkContext.withLocalProperty("spark.scheduler.pool", "etl"))
 * ```
 *
 * @category services
 * @since 0.1.0
 */
export const LocalProperties = Context.Reference<ReadonlyMap<string, string>>("@tspark/core/SparkContext/LocalProperties", {
  defaultValue: () => new Map()
})

/**
 * Runs an effect with a local property set for the jobs it submits.
 *
 * Mirrors `SparkContext.setLocalProperty`, scoped to an effect.
 *
 * **Example**
 * ```ts
 * rdd.count().pipe(SparkContext.withLocalProperty("spark.scheduler.pool", "etl"))
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const withLocalProperty = (key: string, value: string) => <A, E, R>(self: Effect.Effect<A, E, R>) =>
  Effect.updateService(self, LocalProperties, (props) => new Map(props).set(key, value))

/**
 * Runs an effect with its jobs in a job group, so that `cancelJobGroup` can cancel them together.
 *
 * Mirrors `SparkContext.setJobGroup`, scoped to an effect.
 *
 * **Example**
 * ```ts
 * rdd.count().pipe(SparkContext.withJobGroup("etl", "nightly load"))
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const withJobGroup = (groupId: string, description = "") => <A, E, R>(self: Effect.Effect<A, E, R>) =>
  Effect.updateService(
    self,
    LocalProperties,
    (props) => new Map(props).set("spark.jobGroup.id", groupId).set("spark.job.description", description)
  )
