// Estimates the in-memory size of deserialized values by sampling, as Spark's
// SizeEstimator does: exact sizing of every record would cost more than the
// caching it guards.

const SAMPLE = 64

const estimateValue = (value: unknown, depth: number): number => {
  switch (typeof value) {
    case "string":
      return 16 + value.length * 2
    case "number":
    case "boolean":
    case "undefined":
      return 8
    case "bigint":
      return 24
    case "object": {
      if (value === null) return 8
      if (depth > 4) return 64
      if (ArrayBuffer.isView(value)) return 64 + value.byteLength
      if (Array.isArray(value)) {
        let size = 32 + 8 * value.length
        const n = Math.min(value.length, 16)
        let sampled = 0
        for (let i = 0; i < n; i++) sampled += estimateValue(value[i], depth + 1)
        if (n > 0) size += (sampled / n) * value.length
        return size
      }
      if (value instanceof Map || value instanceof Set) return 64 + value.size * 64
      let size = 32
      for (const field in value as Record<string, unknown>) {
        size += 16 + estimateValue((value as Record<string, unknown>)[field], depth + 1)
      }
      return size
    }
    default:
      return 32
  }
}

/** Estimated bytes of an array of records. */
export const estimateArray = (values: ReadonlyArray<unknown>): number => {
  const n = values.length
  if (n === 0) return 32
  if (n <= SAMPLE) {
    let size = 32 + 8 * n
    for (let i = 0; i < n; i++) size += estimateValue(values[i], 0)
    return size
  }
  let sampled = 0
  const step = n / SAMPLE
  for (let i = 0; i < SAMPLE; i++) sampled += estimateValue(values[Math.floor(i * step)], 0)
  return 32 + 8 * n + (sampled / SAMPLE) * n
}

/** Estimated bytes of one value (a task's result), sampling large arrays as `estimateArray` does. */
export const estimateSize = (value: unknown): number => estimateValue(value, 0)
