/**
 * Shipping user functions to executors. A function given to a transformation
 * may use its arguments, JavaScript globals, and an explicit environment of
 * serializable values given with `withEnv` (or a broadcast variable). A
 * function that captures anything else is refused when its job is submitted
 * to a backend that ships tasks, with `TaskNotSerializableError` naming what
 * it captured. The in-process backend (`local`, `local[N]`) runs closures as
 * they are.
 *
 * Mirrors Spark's `ClosureCleaner` and its "Task not serializable" error.
 *
 * @since 0.1.0
 */
import { Data } from "effect"
import * as internal from "./internal/closure/shipping.js"

/**
 * A function could not be shipped to an executor: it captures variables of
 * its surroundings (named in `identifiers`), or holds something that cannot
 * be serialized.
 *
 * Mirrors `org.apache.spark.SparkException: Task not serializable`.
 *
 * **Example**
 * ```ts
 * const error = Closure.check((x: number) => x < limit) // TaskNotSerializableError | undefined
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class TaskNotSerializableError extends Data.TaggedError("TaskNotSerializableError")<{
  readonly identifiers: ReadonlyArray<string>
  readonly where: string
  readonly message: string
}> {}

/**
 * Builds a function from a factory and an explicit environment of
 * serializable values; the function ships as the factory's source plus the
 * environment. Environment values may be data, other functions, broadcast
 * variables and accumulators.
 *
 * Mirrors Spark's closure serialization (a Scala closure's captured fields travel with it).
 *
 * **Example**
 * ```ts
 * const threshold = 10
 * rdd.filter(withEnv({ threshold }, ({ threshold }) => (x: number) => x > threshold))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const withEnv: <E extends Record<string, unknown>, F extends (...args: Array<never>) => unknown>(
  env: E,
  factory: (env: E) => F
) => F = internal.withEnv

/** @internal */
export const toError = (problem: internal.NotShippable): TaskNotSerializableError => {
  // `this` and `arguments` (of an arrow function's surroundings) cannot be passed in an environment by that name.
  const names = problem.identifiers.filter((n) => n !== "this" && n !== "arguments")
  const list = names.map((n) => `"${n}"`).join(", ")
  const lexical = problem.identifiers.filter((n) => n === "this" || n === "arguments").map((n) => `\`${n}\``).join(" and ")
  const fix = names.length > 0
    ? ` Pass ${names.length === 1 ? "it" : "them"} explicitly: withEnv({ ${names.join(", ")} }, ({ ${names.join(", ")} }) => ` +
      `/* your function */), or use a broadcast variable for large values.`
    : ""
  const captured = [list, lexical].filter((s) => s.length > 0).join(" and ")
  return new TaskNotSerializableError({
    identifiers: problem.identifiers,
    where: problem.where,
    message: `Task not serializable: the ${problem.where} ` +
      (captured.length > 0 ? `captures ${captured}, which cannot be sent to an executor.` : `cannot be shipped: ${problem.reason}.`) +
      fix
  })
}

/**
 * Checks that a function can be shipped; the error names what it captures.
 *
 * Mirrors `org.apache.spark.util.ClosureCleaner.ensureSerializable`.
 *
 * **Example**
 * ```ts
 * const limit = 3
 * Closure.check((x: number) => x < limit, "filter function") // TaskNotSerializableError naming "limit"
 * ```
 *
 * @category guards
 * @since 0.1.0
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- the check takes any function value (arrows, methods, classes): it reads their source
export const check = (f: Function, where = "function"): TaskNotSerializableError | undefined => {
  try {
    internal.serializeFunction(f, where)
    return undefined
  } catch (problem) {
    if (problem instanceof internal.NotShippable) return toError(problem)
    throw problem
  }
}
