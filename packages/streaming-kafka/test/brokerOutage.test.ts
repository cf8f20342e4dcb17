/**
 * A broker outage mid-stream, on the mock cluster. The mock keeps its log in
 * the kcat process's memory, so a restarted broker would come back empty;
 * the outage is the brokers stopped instead (SIGSTOP: connections stay open,
 * no request is answered, as with hung or partitioned brokers) and resumed
 * (SIGCONT) with their log. The batch planned while they are down fails
 * after the client's retries and listeners hear it; the stream goes on and,
 * once the brokers answer again, counts every message exactly once and
 * commits.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { committedOffsets, latestOffsets, messages, produce, runUntil, total, wordCountApp } from "./utils/kafka.js"
import { startKafkaMockCluster } from "@tspark/testkit"

describe("Kafka direct stream, brokers down mid-stream", () => {
  it.effect("the batch planned while the brokers are down fails and is reported; then every message is counted once", () =>
    Effect.scoped(Effect.gen(function*() {
      const cluster = yield* Effect.acquireRelease(Effect.promise(() => startKafkaMockCluster()), (c) => Effect.promise(() => c.stop()))
      const topic = "outage-events"
      yield* Effect.promise(() => produce(cluster.bootstrap, topic, messages(0, 40)))
      const app = yield* wordCountApp({
        bootstrap: cluster.bootstrap,
        topic,
        group: "outage",
        params: { "request.timeout.ms": "2000" }
      })
      yield* runUntil(app.ssc, () => total(app) >= 40, 10)
      assert.strictEqual(total(app), 40)
      yield* Effect.promise(() => produce(cluster.bootstrap, topic, messages(40, 40)))

      cluster.pause()
      yield* runUntil(app.ssc, () => false, 1).pipe(Effect.ensuring(Effect.sync(cluster.resume)))
      assert.strictEqual(app.failures.length, 1)
      assert.include(app.failures[0]!, "DirectSourceError")
      assert.match(app.failures[0]!, /Kafka at .* failed after 1 retries/)
      assert.strictEqual(total(app), 40, "nothing was counted while the brokers were down")

      yield* runUntil(app.ssc, () => total(app) >= 80, 15)
      const wrong = Array.from({ length: 80 }, (_, i) => `m${i}`).filter((w) => app.counts.get(w) !== 1)
      assert.deepStrictEqual(wrong, [], "each message counted once")
      assert.strictEqual(total(app), 80)
      yield* runUntil(app.ssc, () => false, 1) // commits the last batch's ranges
      const committed = yield* Effect.promise(() => committedOffsets(cluster.bootstrap, "outage", topic))
      assert.deepStrictEqual(committed, yield* Effect.promise(() => latestOffsets(cluster.bootstrap, topic)))
      yield* app.ssc.stop()
    })))
})
