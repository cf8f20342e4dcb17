// The benchmark harness's statistics and round order (tools/bench/harness.ts),
// and the latency bookkeeping of the streaming benchmark: what the printed
// figures are computed from.
import { describe, expect, it } from "vitest"
import { interleavedOrder, median, percentile, throughputRatio } from "../bench/harness.js"
import { LatencyLog } from "../bench/streamingLatency.js"

describe("median", () => {
  it("is the middle value of an odd count, whatever the input order", () => {
    expect(median([5, 1, 3])).toBe(3)
    expect(median([9, 2, 7, 1, 100])).toBe(7)
  })
  it("is the mean of the middle two of an even count", () => {
    expect(median([4, 1, 3, 2])).toBe(2.5)
  })
  it("is NaN for no values and does not reorder its input", () => {
    expect(median([])).toBeNaN()
    const values = [3, 1, 2]
    median(values)
    expect(values).toEqual([3, 1, 2])
  })
})

describe("percentile", () => {
  it("takes the nearest rank", () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i) // 100 .. 1
    expect(percentile(values, 99)).toBe(99)
    expect(percentile(values, 50)).toBe(50)
    expect(percentile(values, 100)).toBe(100)
    expect(percentile([7, 3], 99)).toBe(7)
    expect(percentile([4], 1)).toBe(4)
  })
})

describe("interleavedOrder", () => {
  it("runs every side once a round, each round starting one side later", () => {
    expect(interleavedOrder(3, 3)).toEqual([
      [0, 0],
      [0, 1],
      [0, 2],
      [1, 1],
      [1, 2],
      [1, 0],
      [2, 2],
      [2, 0],
      [2, 1]
    ])
  })
  it("never runs all of one side before another", () => {
    const order = interleavedOrder(4, 5)
    expect(order).toHaveLength(20)
    for (let round = 0; round < 5; round++) {
      const sides = order.filter(([r]) => r === round).map(([, side]) => side)
      expect([...sides].sort()).toEqual([0, 1, 2, 3])
    }
  })
})

describe("throughputRatio", () => {
  it("is baseline time / side time for times and side rate / baseline rate for rates", () => {
    expect(throughputRatio(2000, 1800, false)).toBeCloseTo(0.9)
    expect(throughputRatio(1.8, 2, true)).toBeCloseTo(0.9)
  })
})

describe("LatencyLog", () => {
  it("gives each measured slice its output's end minus its store time, in store order", () => {
    const log = new LatencyLog()
    log.stored(10, 1000, false)
    log.stored(10, 1010, true)
    log.stored(5, 1020, true)
    log.completed(20, 1100)
    expect(log.drained).toBe(false)
    log.completed(5, 1200)
    expect(log.latenciesMs).toEqual([90, 180])
    expect(log.drained).toBe(true)
  })
  it("refuses an output covering more lines than were stored, or part of a slice", () => {
    const log = new LatencyLog()
    log.stored(10, 0, true)
    expect(() => log.completed(4, 1)).toThrow(/part of a slice/)
    const empty = new LatencyLog()
    expect(() => empty.completed(1, 1)).toThrow(/more than were stored/)
  })
})
