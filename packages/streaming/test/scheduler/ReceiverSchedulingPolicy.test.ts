/**
 * The cases of Spark's ReceiverSchedulingPolicySuite, written for the pure
 * functions here, plus the location strings core reads.
 */
import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import type { ExecutorLocation, ReceiverLocation, ReceiverTrackingInfo } from "../../src/scheduler/ReceiverInfo.js"
import * as Policy from "../../src/scheduler/ReceiverSchedulingPolicy.js"

const executor = (host: string, executorId: string): ExecutorLocation => ({ host, executorId })
const key = (location: ReceiverLocation) => Policy.formatLocation(location)
const keys = (locations: ReadonlyArray<ReceiverLocation>) => locations.map(key).sort()
const tracking = (
  receiverId: number,
  state: ReceiverTrackingInfo["state"],
  scheduledLocations?: ReadonlyArray<ReceiverLocation>,
  runningExecutor?: ExecutorLocation
): [number, ReceiverTrackingInfo] => [receiverId, { receiverId, state, scheduledLocations, runningExecutor }]
const countPerExecutor = (plan: Map<number, Array<ReceiverLocation>>) => {
  const counts = new Map<string, number>()
  for (const locations of plan.values()) for (const l of locations) counts.set(key(l), (counts.get(key(l)) ?? 0) + 1)
  return counts
}

describe("ReceiverSchedulingPolicy", () => {
  describe("location strings", () => {
    it("formats executors as executor_<host>_<id> and hosts as themselves, and reads them back", () => {
      assert.strictEqual(Policy.formatLocation(executor("localhost", "2")), "executor_localhost_2")
      assert.strictEqual(Policy.formatLocation({ host: "db-1" }), "db-1")
      assert.deepStrictEqual(Policy.parseLocation("executor_localhost_2"), { host: "localhost", executorId: "2" })
      assert.deepStrictEqual(Policy.parseLocation("executor_h_driver_1"), { host: "h", executorId: "driver_1" })
      assert.deepStrictEqual(Policy.parseLocation("db-1"), { host: "db-1" })
      assert.deepStrictEqual(Policy.parseLocation("executor_"), { host: "executor_" })
    })

    it("property: parse(format(executor)) is the executor for hosts without '_'", () => {
      const host = fc.stringMatching(/^[a-z0-9.-]{1,12}$/)
      fc.assert(
        fc.property(host, fc.string({ minLength: 1, maxLength: 8 }), (h, id) => {
          assert.deepStrictEqual(Policy.parseLocation(Policy.formatLocation(executor(h, id))), executor(h, id))
        })
      )
    })
  })

  describe("rescheduleReceiver", () => {
    it("empty executors: no candidates", () => {
      assert.deepStrictEqual(Policy.rescheduleReceiver(0, undefined, new Map(), []), [])
    })

    it("the preferred host is a candidate, beside the idle executors", () => {
      const infos = new Map([tracking(0, "INACTIVE")])
      const candidates = Policy.rescheduleReceiver(0, "host1", infos, [executor("host2", "2")])
      assert.deepStrictEqual(keys(candidates), ["executor_host2_2", "host1"])
    })

    it("returns all idle executors if there are any", () => {
      const executors = [1, 2, 3, 4, 5].map((i) => executor(`host${i}`, `${i}`))
      const infos = new Map([tracking(0, "ACTIVE", undefined, executors[0])])
      const candidates = Policy.rescheduleReceiver(1, undefined, infos, executors)
      assert.deepStrictEqual(keys(candidates), keys(executors.slice(1)))
    })

    it("returns every executor of the minimum weight if none is idle (running 1, scheduled 1/n)", () => {
      const [e1, e2, e3, e4, e5] = [1, 2, 3, 4, 5].map((i) => executor(`host${i}`, `${i}`))
      // weights: e1 = 1 + 0.5 = 1.5, e2 = 0.5, e3 = 0.5 + 0.5 = 1, e4 = 0.5 + 0.5 = 1, e5 = 0.5
      const infos = new Map([
        tracking(0, "ACTIVE", undefined, e1),
        tracking(1, "SCHEDULED", [e2!, e3!]),
        tracking(2, "SCHEDULED", [e1!, e3!]),
        tracking(3, "SCHEDULED", [e4!, e5!]),
        tracking(4, "SCHEDULED", [e4!, { host: "elsewhere" }]),
        tracking(5, "INACTIVE")
      ])
      const candidates = Policy.rescheduleReceiver(6, undefined, infos, [e1!, e2!, e3!, e4!, e5!])
      assert.deepStrictEqual(keys(candidates), keys([e2!, e5!]))
    })

    it("thirds add up to a whole: 1/3 + 1/3 + 1/3 weighs the same as one running receiver", () => {
      const [a, b, c] = ["a", "b", "c"].map((h) => executor(h, h))
      const infos = new Map([
        tracking(0, "SCHEDULED", [a!, b!, c!]),
        tracking(1, "SCHEDULED", [a!, b!, c!]),
        tracking(2, "SCHEDULED", [a!, b!, c!]),
        tracking(3, "ACTIVE", undefined, a),
        tracking(4, "ACTIVE", undefined, b),
        tracking(5, "ACTIVE", undefined, c)
      ])
      assert.deepStrictEqual(keys(Policy.rescheduleReceiver(6, undefined, infos, [a!, b!, c!])), keys([a!, b!, c!]))
    })

    it("never returns a lost executor that the tracking infos still name", () => {
      const lost = executor("gone", "9")
      const live = executor("host1", "1")
      const infos = new Map([tracking(0, "ACTIVE", undefined, live), tracking(1, "SCHEDULED", [lost, live])])
      assert.deepStrictEqual(keys(Policy.rescheduleReceiver(2, undefined, infos, [live])), keys([live]))
    })
  })

  describe("scheduleReceivers", () => {
    it("more receivers than executors: each receiver one executor, two receivers per executor", () => {
      const receivers = [0, 1, 2, 3, 4, 5].map((streamId) => ({ streamId }))
      const executors = [0, 1, 2].map((i) => executor("localhost", `${i}`))
      const plan = Policy.scheduleReceivers(receivers, executors)
      for (const locations of plan.values()) assert.strictEqual(locations.length, 1)
      assert.deepStrictEqual([...countPerExecutor(plan)].sort(), executors.map((e) => [key(e), 2]).sort())
    })

    it("more executors than receivers: each receiver two executors, one receiver per executor", () => {
      const receivers = [0, 1, 2].map((streamId) => ({ streamId }))
      const executors = [0, 1, 2, 3, 4, 5].map((i) => executor("localhost", `${i}`))
      const plan = Policy.scheduleReceivers(receivers, executors)
      for (const locations of plan.values()) assert.strictEqual(locations.length, 2)
      assert.deepStrictEqual([...countPerExecutor(plan)].sort(), executors.map((e) => [key(e), 1]).sort())
    })

    it("even preferred locations: honoured, and still one receiver per executor", () => {
      const receivers = [
        ...[0, 1, 2].map((streamId) => ({ streamId })),
        ...[3, 4, 5].map((streamId) => ({ streamId, preferredLocation: "localhost" }))
      ]
      const onLocalhost = [0, 1, 2].map((i) => executor("localhost", `${i}`))
      const executors = [...onLocalhost, ...[3, 4, 5].map((i) => executor("localhost2", `${i}`))]
      const plan = Policy.scheduleReceivers(receivers, executors)
      for (const locations of plan.values()) assert.strictEqual(locations.length, 1)
      assert.deepStrictEqual([...countPerExecutor(plan)].sort(), executors.map((e) => [key(e), 1]).sort())
      const preferred = [3, 4, 5].flatMap((id) => plan.get(id)!)
      assert.deepStrictEqual(keys(preferred), keys(onLocalhost))
    })

    it("a preferred host without executors is kept as a host location, and the receiver gets no executor", () => {
      const plan = Policy.scheduleReceivers(
        [{ streamId: 0, preferredLocation: "db-1" }, { streamId: 1 }],
        [executor("a", "1")]
      )
      assert.deepStrictEqual(plan.get(0), [{ host: "db-1" }])
      assert.deepStrictEqual(plan.get(1), [executor("a", "1")])
    })

    it("no receivers: empty; no executors: every receiver without candidates", () => {
      assert.strictEqual(Policy.scheduleReceivers([], [executor("localhost", "1")]).size, 0)
      const plan = Policy.scheduleReceivers([0, 1, 2].map((streamId) => ({ streamId })), [])
      assert.deepStrictEqual([...plan], [[0, []], [1, []], [2, []]])
    })

    it("property: without preferences the load differs by at most one, and every executor is a candidate", () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 20 }), (numReceivers, numExecutors) => {
          const receivers = Array.from({ length: numReceivers }, (_, streamId) => ({ streamId }))
          const executors = Array.from({ length: numExecutors }, (_, i) => executor(`h${i % 3}`, `${i}`))
          const plan = Policy.scheduleReceivers(receivers, executors)
          assert.strictEqual(plan.size, numReceivers)
          const counts = countPerExecutor(plan)
          assert.strictEqual(counts.size, numExecutors)
          const values = [...counts.values()]
          assert.isAtMost(Math.max(...values) - Math.min(...values), 1)
          for (const locations of plan.values()) assert.isAtLeast(locations.length, 1)
        })
      )
    })
  })
})
