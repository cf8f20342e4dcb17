// How an executor's task results cross to the driver: errors the channel
// cannot clone become plain errors, and a value it refuses is named.
import * as v8 from "node:v8"
import type { TaskResult } from "../../scheduler/Task.js"

/** Task results cross threads by structured clone: errors become plain data the driver can show. */
export const shippable = (result: TaskResult): TaskResult => {
  if (result._tag !== "ExceptionFailure") return result
  try {
    v8.serialize(result.error)
    return result
  } catch {
    return { _tag: "ExceptionFailure", error: new Error(result.message), message: result.message }
  }
}

/**
 * Names the first value `v8.serialize` refuses inside `value` and where it
 * sits (`function f at [2].g`), walking at most 100,000 nodes; falls back to
 * the value's own type.
 */
export const unserializableType = (value: unknown): string => {
  const seen = new Set<unknown>()
  const stack: Array<readonly [unknown, string]> = [[value, ""]]
  let budget = 100_000
  while (stack.length > 0 && budget-- > 0) {
    const [current, at] = stack.pop()!
    const where = at === "" ? "" : ` at ${at}`
    if (typeof current === "function") return `function ${current.name === "" ? "(anonymous)" : current.name}${where}`
    if (typeof current === "symbol") return `${String(current)} (a Symbol)${where}`
    if (typeof current !== "object" || current === null || seen.has(current)) continue
    seen.add(current)
    if (current instanceof WeakMap || current instanceof WeakSet || current instanceof WeakRef || current instanceof Promise) {
      return `${current.constructor.name}${where}`
    }
    if (ArrayBuffer.isView(current) || current instanceof ArrayBuffer || current instanceof Date || current instanceof RegExp) continue
    if (current instanceof Map) {
      let i = 0
      for (const [k, v] of current) {
        stack.push([k, `${at}.keys[${i}]`], [v, `${at}.get(${i})`])
        i++
      }
      continue
    }
    if (current instanceof Set) {
      let i = 0
      for (const v of current) stack.push([v, `${at}.values[${i++}]`])
      continue
    }
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push([current[i], `${at}[${i}]`])
      continue
    }
    for (const key of Object.keys(current).reverse()) {
      stack.push([(current as Record<string, unknown>)[key], `${at}.${key}`])
    }
  }
  if (typeof value === "object" && value !== null) return `${value.constructor?.name ?? "Object"} v8.serialize refuses`
  return typeof value
}
