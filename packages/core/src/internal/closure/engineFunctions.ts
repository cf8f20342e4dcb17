// The engine's own per-partition functions (actions, combiners, checkpoint
// and text output), registered by name: a task plan names them and the
// executor, running the same engine code, looks them up.
import * as fs from "node:fs"
import * as path from "node:path"
import type { TaskContext } from "../../scheduler/TaskContext.js"
import { KeyMap } from "../../util/KeyMap.js"
import { compareKeys, type Ordering } from "../../util/Ordering.js"
import { actionFunctions } from "../rdd/actionFunctions.js"
import * as Files from "../rdd/checkpointFiles.js"
import { drain, iterable, toArray } from "../rdd/iterators.js"
import { ENGINE } from "./marks.js"

const registry = new Map<string, (env: never) => unknown>()

const registerEngineFunction = <E, F>(name: string, factory: (env: E) => F): void => {
  registry.set(name, factory as (env: never) => unknown)
}

/** An engine function: built from the registry, it ships as its name and environment. */
export const engineFunction = <E extends Record<string, unknown>, F extends object>(name: string, env: E): F => {
  const factory = registry.get(name)
  if (factory === undefined) throw new Error(`unknown engine function ${name}`)
  const f = (factory as (env: E) => F)(env)
  // Factories without an environment may return one shared function, marked once.
  if (!Object.prototype.hasOwnProperty.call(f, ENGINE)) {
    Object.defineProperty(f, ENGINE, { value: { name, env } })
  }
  return f
}

const formatLine = (value: unknown): string => Array.isArray(value) ? `(${value.map(formatLine).join(",")})` : String(value)

registerEngineFunction("toArray", () => toArray)

registerEngineFunction("count", () => (it: Iterator<unknown>) => {
  let n = 0
  drain(it, () => n++)
  return n
})

registerEngineFunction(
  "takeOrdered",
  ({ n, ordering }: { n: number; ordering: Ordering<unknown> }) => (it: Iterator<unknown>) => toArray(it).sort(ordering).slice(0, n)
)

// The task's context goes along: an asynchronous `f` needs it after its first `await`, where `TaskContext.get()` is gone.
registerEngineFunction(
  "foreachPartition",
  ({ f }: { f: (it: IterableIterator<unknown>, ctx: TaskContext) => void | PromiseLike<void> }) =>
  (it: Iterator<unknown>, ctx: TaskContext) => f(iterable(it), ctx)
)

registerEngineFunction("saveTextPartition", ({ directory }: { directory: string }) => (it: Iterator<unknown>, ctx: TaskContext) => {
  const file = path.join(directory, `part-${String(ctx.partitionId).padStart(5, "0")}`)
  const lines: Array<string> = []
  drain(it, (value) => lines.push(formatLine(value)))
  fs.writeFileSync(file, lines.length === 0 ? "" : lines.join("\n") + "\n")
})

registerEngineFunction(
  "writeCheckpointPartition",
  ({ directory }: { directory: string }) => (it: Iterator<unknown>, ctx: TaskContext) =>
    Files.writePartition(directory, ctx.partitionId, toArray(it))
)

/** Combines values by key within a partition already partitioned by key (no shuffle). */
registerEngineFunction(
  "combineValuesByKey",
  ({ createCombiner, mergeValue }: {
    createCombiner: (v: unknown) => unknown
    mergeValue: (c: unknown, v: unknown) => unknown
  }) =>
  (it: IterableIterator<readonly [unknown, unknown]>) => {
    const combined = new KeyMap<unknown, unknown>()
    drain(it, (record) => combined.combine(record[0], record[1], createCombiner, mergeValue))
    return combined.entries()
  }
)

// ---------------------------------------------------------------- functions by module specifier

/** Modules imported by `Closure.fromModule` functions, once per specifier (per executor). */
const importedModules = new Map<string, Promise<Record<string, unknown>>>()

const importModule = (specifier: string): Promise<Record<string, unknown>> => {
  let imported = importedModules.get(specifier)
  if (imported === undefined) {
    // Resolved from this module: bare specifiers as from @tspark/core, or absolute file URLs.
    imported = import(specifier) as Promise<Record<string, unknown>>
    importedModules.set(specifier, imported)
    // A failed import is tried again by the next task (the file may appear, a retry may run elsewhere).
    imported.catch(() => importedModules.delete(specifier))
  }
  return imported
}

/** Imports `specifier` and builds the function its export `exportName` makes from `env`; errors say what to export. */
export const loadModuleFunction = async (
  specifier: string,
  exportName: string,
  env: unknown
): Promise<(...args: Array<unknown>) => unknown> => {
  const where = `Closure.fromModule("${specifier}", "${exportName}")`
  const what = `export a function ${exportName}(env) that returns the function to call`
  let module: Record<string, unknown>
  try {
    module = await importModule(specifier)
  } catch (error) {
    throw new Error(
      `${where}: the module could not be imported (${error instanceof Error ? error.message : String(error)}). ` +
        "Pass a package name that resolves from @tspark/core or an absolute file URL to built JavaScript, " +
        `whose module must ${what}`,
      { cause: error }
    )
  }
  const factory = module[exportName]
  if (typeof factory !== "function") {
    throw new Error(
      `${where}: the module has no function export "${exportName}" (found ${typeof factory}); ${what} ` +
        `(exports: ${Object.keys(module).join(", ") || "none"})`
    )
  }
  const f = (factory as (env: unknown) => unknown)(env)
  if (typeof f !== "function") throw new Error(`${where}: ${exportName}(env) returned ${typeof f}, not a function; ${what}`)
  return f as (...args: Array<unknown>) => unknown
}

const isIterator = (value: unknown): value is Iterator<unknown> =>
  typeof value === "object" && value !== null && typeof (value as { next?: unknown }).next === "function"

// Once its module is loaded, the function runs at once (in the task's synchronous part); before that, an
// iterator argument (a partition) is read first, while the blocks fetched for the task are at hand.
registerEngineFunction(
  "moduleFunction",
  ({ specifier, exportName, env }: { specifier: string; exportName: string; env: unknown }) => {
    let loaded: ((...args: Array<unknown>) => unknown) | undefined
    return (...args: Array<unknown>): Promise<unknown> => {
      if (loaded !== undefined) {
        try {
          return Promise.resolve(loaded(...args))
        } catch (error) {
          return Promise.reject(error)
        }
      }
      if (isIterator(args[0])) args[0] = toArray(args[0]).values()
      return loadModuleFunction(specifier, exportName, env).then((f) => {
        loaded = f
        return f(...args)
      })
    }
  }
)

// The numeric and counting actions' partition functions (stats, histogram, countApproxDistinct).
for (const [name, factory] of Object.entries(actionFunctions)) registerEngineFunction(name, factory)

registerEngineFunction("compareKeys", () => compareKeys)
// The default ordering is itself an engine function, so it ships by name.
engineFunction("compareKeys", {})
