// The challenge-response that authenticates an executor connection (Spark's
// `spark.authenticate`), run before any task, configuration or block moves.
//
//   driver   -> executor  AuthChallenge { authenticate, nonce: Nd, maxMessageBytes }
//   executor -> driver    AuthResponse  { nonce: Ne, proof: HMAC(secret, "tspark-auth-v1 executor" | Nd | Ne) }
//   driver   -> executor  AuthAccepted  { proof: HMAC(secret, "tspark-auth-v1 driver" | Nd | Ne) }
//                      or AuthRefused   { reason }, then the driver closes
//   executor -> driver    Registered ... (the protocol of protocol.ts)
//
// Both nonces are fresh random 32-byte values, so a recorded proof is worth
// nothing on another connection; the role label keeps a driver's proof from
// being replayed as an executor's. Proofs are compared with
// crypto.timingSafeEqual. The executor checks the driver's proof too: a
// process that merely listens on the driver's address cannot make it run code.
import * as crypto from "node:crypto"
import type { AuthResponse, DriverHandshakeMessage } from "./protocol.js"

const nonceBytes = 32
const label = { driver: "tspark-auth-v1 driver\0", executor: "tspark-auth-v1 executor\0" } as const

/** A fresh secret for the executors a driver launches itself (64 hex characters). */
export const generateSecret = (): string => crypto.randomBytes(32).toString("hex")

const makeNonce = (): Uint8Array => new Uint8Array(crypto.randomBytes(nonceBytes))

const proof = (secret: string, role: keyof typeof label, driverNonce: Uint8Array, executorNonce: Uint8Array): Uint8Array => {
  const hmac = crypto.createHmac("sha256", secret)
  hmac.update(label[role])
  hmac.update(driverNonce)
  hmac.update(executorNonce)
  return new Uint8Array(hmac.digest())
}

const isNonce = (value: unknown): value is Uint8Array => value instanceof Uint8Array && value.length === nonceBytes

/** Constant-time comparison of a proof with the expected one (a malformed value never matches). */
const matches = (expected: Uint8Array, got: unknown): boolean =>
  got instanceof Uint8Array && got.length === expected.length && crypto.timingSafeEqual(expected, got)

const tagOf = (message: unknown): string =>
  typeof message === "object" && message !== null && typeof (message as { _tag?: unknown })._tag === "string"
    ? (message as { _tag: string })._tag
    : typeof message

export type DriverVerdict =
  | { readonly _tag: "Accepted"; readonly reply: DriverHandshakeMessage }
  | { readonly _tag: "Refused"; readonly reason: string }

/** The driver's side of one connection's handshake. */
export class DriverHandshake {
  private readonly nonce = makeNonce()

  constructor(private readonly secret: string | undefined) {}

  get authenticates(): boolean {
    return this.secret !== undefined
  }

  challenge(maxMessageBytes: number): DriverHandshakeMessage {
    return { _tag: "AuthChallenge", authenticate: this.secret !== undefined, nonce: this.nonce, maxMessageBytes }
  }

  /** Judges the executor's first message (only called when the driver authenticates). */
  answer(message: unknown): DriverVerdict {
    const secret = this.secret!
    const tag = tagOf(message)
    if (tag === "Registered") {
      return {
        _tag: "Refused",
        reason: "it registered without authenticating (it has no secret): start it with tspark executor --secret-file PATH " +
          "or TSPARK_AUTH_SECRET set to the driver's spark.authenticate.secret"
      }
    }
    if (tag !== "AuthResponse") return { _tag: "Refused", reason: `it sent ${tag} before authenticating` }
    const response = message as AuthResponse
    if (!isNonce(response.nonce)) return { _tag: "Refused", reason: "its authentication response is malformed" }
    if (!matches(proof(secret, "executor", this.nonce, response.nonce), response.proof)) {
      return { _tag: "Refused", reason: "its proof does not match the driver's secret (wrong secret)" }
    }
    return { _tag: "Accepted", reply: { _tag: "AuthAccepted", proof: proof(secret, "driver", this.nonce, response.nonce) } }
  }
}

export type ExecutorStep =
  /** Send `reply` and wait for the driver's verdict. */
  | { readonly _tag: "Respond"; readonly reply: AuthResponse }
  /** Authenticated (or the driver does not authenticate and this executor has no secret): register. */
  | { readonly _tag: "Start"; readonly maxMessageBytes: number }
  | { readonly _tag: "Fail"; readonly reason: string }

/** The executor's side of the handshake. */
export class ExecutorHandshake {
  private readonly nonce = makeNonce()
  private driverNonce: Uint8Array | undefined
  private maxMessageBytes = 0

  constructor(private readonly secret: string | undefined) {}

  /** The driver's first frame. */
  onChallenge(message: unknown): ExecutorStep {
    const challenge = message as Extract<DriverHandshakeMessage, { _tag: "AuthChallenge" }>
    if (tagOf(message) !== "AuthChallenge" || !isNonce(challenge.nonce) || !(challenge.maxMessageBytes > 0)) {
      return { _tag: "Fail", reason: `the driver's first message is not an authentication challenge (${tagOf(message)})` }
    }
    this.maxMessageBytes = challenge.maxMessageBytes
    if (!challenge.authenticate) {
      if (this.secret === undefined) return { _tag: "Start", maxMessageBytes: challenge.maxMessageBytes }
      return {
        _tag: "Fail",
        reason: "this executor was given a secret but the driver does not authenticate (spark.authenticate is false): " +
          "refusing to run its tasks; set spark.authenticate=true and spark.authenticate.secret on the driver, or start " +
          "the executor without a secret"
      }
    }
    if (this.secret === undefined) {
      return {
        _tag: "Fail",
        reason: "the driver authenticates executors (spark.authenticate) and this executor has no secret: pass " +
          "tspark executor --secret-file PATH or set TSPARK_AUTH_SECRET to the driver's spark.authenticate.secret"
      }
    }
    this.driverNonce = challenge.nonce
    return {
      _tag: "Respond",
      reply: { _tag: "AuthResponse", nonce: this.nonce, proof: proof(this.secret, "executor", challenge.nonce, this.nonce) }
    }
  }

  /** The driver's answer to the response. */
  onVerdict(message: unknown): ExecutorStep {
    const verdict = message as DriverHandshakeMessage
    if (tagOf(message) === "AuthRefused") {
      return { _tag: "Fail", reason: `the driver refused this executor: ${String((verdict as { reason?: unknown }).reason)}` }
    }
    if (tagOf(message) !== "AuthAccepted" || this.secret === undefined || this.driverNonce === undefined) {
      return { _tag: "Fail", reason: `expected the driver's authentication verdict, got ${tagOf(message)}` }
    }
    const expected = proof(this.secret, "driver", this.driverNonce, this.nonce)
    if (!matches(expected, (verdict as { proof?: unknown }).proof)) {
      return {
        _tag: "Fail",
        reason: "the driver's proof does not match this executor's secret: it is not the driver that holds the secret"
      }
    }
    return { _tag: "Start", maxMessageBytes: this.maxMessageBytes }
  }
}
