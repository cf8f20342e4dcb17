// Every entry point checks its arguments: a bad option fails createStream
// with an MqttConfigError naming the option and saying what to change,
// before anything connects. No broker needed.
import { assert, describe, it } from "@effect/vitest"
import { SparkContext, StorageLevel } from "@tspark/core"
import { StreamingContext } from "@tspark/streaming"
import { Effect, Exit } from "effect"
import { MqttConfigError, MqttOptions, MQTTReceiver, MQTTUtils, version } from "../src/index.js"
import { encodePubacks } from "../src/internal/pubacks.js"

const context = (conf: Record<string, string> = {}) =>
  Effect.gen(function*() {
    const sc = yield* SparkContext.make({ master: "local[2]", appName: "mqtt options", conf })
    return yield* StreamingContext.make(sc, { batchDuration: 1000 })
  })

const URL = "mqtt://127.0.0.1:1883"

const failsWith = (
  option: string,
  mention: string,
  make: (ssc: StreamingContext.StreamingContext) => Effect.Effect<unknown, MqttConfigError>,
  conf: Record<string, string> = {}
) =>
  Effect.scoped(Effect.gen(function*() {
    const ssc = yield* context(conf)
    const exit = yield* Effect.exit(make(ssc))
    assert.isTrue(Exit.isFailure(exit), `expected a failure naming ${option}`)
    const error = Exit.isFailure(exit) ? exit.cause.reasons[0] : undefined
    const failure = error !== undefined && "error" in error ? error.error : undefined
    assert.instanceOf(failure, MqttConfigError)
    assert.strictEqual((failure as MqttConfigError).option, option)
    assert.include((failure as MqttConfigError).message, mention)
  }))

describe("MQTTUtils options", () => {
  const cases: ReadonlyArray<
    readonly [string, string, (ssc: StreamingContext.StreamingContext) => Effect.Effect<unknown, MqttConfigError>]
  > = [
    ["brokerUrl", "non-empty", (ssc) => MQTTUtils.createStream(ssc, "", "a")],
    ["brokerUrl", "is not a URL", (ssc) => MQTTUtils.createStream(ssc, "not a url", "a")],
    ["brokerUrl", `scheme "http:"`, (ssc) => MQTTUtils.createStream(ssc, "http://localhost:1883", "a")],
    ["brokerUrl", "names no host", (ssc) => MQTTUtils.createStream(ssc, "mqtt://", "a")],
    ["topics", "non-empty array", (ssc) => MQTTUtils.createStream(ssc, URL, [])],
    ["topics", `"#" other than`, (ssc) => MQTTUtils.createStream(ssc, URL, "a/#/b")],
    ["topics", `"+" other than`, (ssc) => MQTTUtils.createPairedStream(ssc, URL, ["a/b+"])],
    ["topics", "is empty", (ssc) => MQTTUtils.createStream(ssc, URL, ["a", ""])],
    ["topics", "twice", (ssc) => MQTTUtils.createStream(ssc, URL, ["a", "a"])],
    ["qos", "QoS 2 is not supported", (ssc) => MQTTUtils.createStream(ssc, URL, "a", undefined, { qos: 2 as 1 })],
    ["clientId", "non-empty", (ssc) => MQTTUtils.createStream(ssc, URL, "a", undefined, { clientId: "" })],
    ["cleanSession", "true or false", (ssc) => MQTTUtils.createStream(ssc, URL, "a", undefined, { cleanSession: "no" as never })],
    ["protocolVersion", "5 (MQTT 5) or 4", (ssc) => MQTTUtils.createStream(ssc, URL, "a", undefined, { protocolVersion: 3 as 4 })],
    ["keepAliveSeconds", "from 0 to 65535", (ssc) => MQTTUtils.createStream(ssc, URL, "a", undefined, { keepAliveSeconds: -1 })],
    ["maxInFlight", "whole number", (ssc) => MQTTUtils.createPairedByteArrayStream(ssc, URL, "a", undefined, { maxInFlight: 0.5 })],
    ["username", "must be a string", (ssc) => MQTTUtils.createStream(ssc, URL, "a", undefined, { username: 42 as never })],
    [
      "reconnectMaxDelayMs",
      "at least reconnectInitialDelayMs",
      (ssc) => MQTTUtils.createStream(ssc, URL, "a", undefined, { reconnectInitialDelayMs: 1000, reconnectMaxDelayMs: 10 })
    ],
    ["clientID", `unknown option "clientID"`, (ssc) => MQTTUtils.createStream(ssc, URL, "a", undefined, { clientID: "x" } as never)],
    ["storageLevel", "StorageLevel that stores", (ssc) => MQTTUtils.createStream(ssc, URL, "a", StorageLevel.NONE)]
  ]
  for (const [option, mention, make] of cases) {
    it.effect(`${option}: ${mention}`, () => failsWith(option, mention, make))
  }

  it.effect("spark.streaming.blockInterval is read from the configuration and checked", () =>
    failsWith("spark.streaming.blockInterval", "spark.streaming.blockInterval", (ssc) => MQTTUtils.createStream(ssc, URL, "a"), {
      "spark.streaming.blockInterval": "soon"
    }))

  it.effect("valid options make a stream of a shippable receiver with plain-data settings", () =>
    Effect.scoped(Effect.gen(function*() {
      const ssc = yield* context({ "spark.streaming.receiver.maxRate": "500", "spark.streaming.blockInterval": "100ms" })
      yield* MQTTUtils.createStream(ssc, URL, ["sensors/+/temp", "alarms/#"], StorageLevel.MEMORY_ONLY, { qos: 0 })
      const settings = MqttOptions.resolve({
        brokerUrl: URL,
        topics: "a",
        appName: "app",
        conf: { "spark.streaming.receiver.maxRate": "500" }
      })
      assert.notInstanceOf(settings, MqttConfigError)
      const resolved = settings as MqttOptions.MqttReceiverSettings
      assert.match(resolved.clientId, /^tspark-[0-9a-f]{16}$/)
      assert.strictEqual(resolved.qos, 1)
      assert.strictEqual(resolved.cleanSession, false)
      assert.deepStrictEqual(resolved.rateConf, { "spark.streaming.receiver.maxRate": "500" })
      // The default client id is stable: the same application finds its session again.
      const again = MqttOptions.resolve({ brokerUrl: URL, topics: "a", appName: "app", conf: {} }) as MqttOptions.MqttReceiverSettings
      assert.strictEqual(again.clientId, resolved.clientId)
      // What ships: structured-clone-able fields only.
      const receiver = new MQTTReceiver<string>(resolved)
      assert.deepStrictEqual(structuredClone({ ...receiver }), { ...receiver })
      assert.strictEqual(MQTTReceiver.module, "@tspark/streaming-mqtt")
      assert.strictEqual(version, "0.1.0")
    })))

  it("PUBACKs are four bytes each, in order", () => {
    assert.deepStrictEqual([...encodePubacks([1, 258, 65535])], [0x40, 2, 0, 1, 0x40, 2, 1, 2, 0x40, 2, 255, 255])
  })
})
