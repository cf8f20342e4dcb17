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
import { engineFunction } from "./internal/closure/engineFunctions.js"
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

/**
 * A function that lives in a module: it ships as `(specifier, exportName,
 * env)`, and wherever it runs it imports `specifier` (once per executor),
 * calls the module's `exportName(env)` and calls the function that returns
 * with its arguments. The import resolves from `@tspark/core` itself: pass a
 * package name (workspace packages resolve) or an absolute file URL to
 * JavaScript (executors started from a build cannot import `.ts`). `env`
 * ships as a `withEnv` environment does: plain data, and functions that
 * ship themselves (capturing nothing, or built with `withEnv`); anything
 * else (a class instance, a symbol, a function capturing a variable) is
 * refused here.
 * A module that cannot be imported, or lacks the export, fails the task with
 * a message naming both. Once the module is loaded the function runs in the
 * task's synchronous part; before that, an iterator given as first argument
 * (a partition) is read into memory first.
 *
 * Mirrors Spark's functions by class name (`Class.forName(...).newInstance()` of a `Receiver` or UDF class).
 *
 * **Example**
 * ```ts
 * // receivers.mjs: export const runReceiver = (env) => async (it, ctx) => { ... }
 * const run = Closure.fromModule<[Iterator<number>, TaskContext], string>("@acme/receivers", "runReceiver", { port: 9999 })
 * yield* sc.runJob(rdd, run)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const fromModule = <Args extends Array<unknown>, R>(
  specifier: string,
  exportName: string,
  env: unknown
): (...args: Args) => Promise<R> => {
  const where = `Closure.fromModule("${specifier}", "${exportName}") environment`
  const refuse = (reason: string) =>
    new TaskNotSerializableError({
      identifiers: [],
      where,
      message: `Task not serializable: the ${where} ${reason}. Pass plain data (numbers, strings, arrays, plain objects, ` +
        "Maps, Sets, typed arrays) or shippable functions, and build class instances inside the module's export"
    })
  if (typeof specifier !== "string" || specifier.length === 0 || typeof exportName !== "string" || exportName.length === 0) {
    throw new TaskNotSerializableError({
      identifiers: [],
      where,
      message: `Closure.fromModule needs a module specifier and an export name (strings), got ${typeof specifier} and ${typeof exportName}`
    })
  }
  try {
    // The environment ships as a task's data, as a withEnv environment: plain data and shippable functions
    // (no class instances, which would arrive as plain objects; no symbols).
    internal.serializeValue(env, where)
  } catch (problem) {
    if (problem instanceof internal.NotShippable) throw problem.identifiers.length > 0 ? toError(problem) : refuse(problem.reason)
    throw problem
  }
  return engineFunction<Record<string, unknown>, (...args: Args) => Promise<R>>("moduleFunction", { specifier, exportName, env })
}
