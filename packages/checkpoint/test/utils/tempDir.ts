import * as fsp from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { Effect } from "effect"

/** A fresh directory under os.tmpdir(), removed when the scope closes. */
export const tempDir = (prefix = "tspark-ckpt-") =>
  Effect.acquireRelease(
    Effect.promise(() => fsp.mkdtemp(path.join(os.tmpdir(), prefix))),
    (dir) => Effect.promise(() => fsp.rm(dir, { recursive: true, force: true }))
  )

export const bytesOf = (s: string): Uint8Array => new TextEncoder().encode(s)
export const textOf = (b: Uint8Array): string => new TextDecoder().decode(b)
