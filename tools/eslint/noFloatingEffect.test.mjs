import { RuleTester } from "eslint"
import { fileURLToPath } from "node:url"
import tseslint from "typescript-eslint"
import { afterAll, describe, it } from "vitest"
import { noFloatingEffect } from "./noFloatingEffect.mjs"

RuleTester.afterAll = afterAll
RuleTester.describe = describe
RuleTester.it = it
RuleTester.itOnly = it.only

const fixtures = fileURLToPath(new URL("fixtures", import.meta.url))
const filename = `${fixtures}/file.ts`

const ruleTester = new RuleTester({
  languageOptions: {
    parser: tseslint.parser,
    parserOptions: { projectService: true, tsconfigRootDir: fixtures }
  }
})

const header = `import { Effect, Exit } from "effect"\n`

ruleTester.run("no-floating-effect", noFloatingEffect, {
  valid: [
    { filename, code: header + `const program = Effect.gen(function*() { yield* Effect.log("x") })` },
    { filename, code: header + `Effect.runFork(Effect.log("x"))` },
    { filename, code: header + `const f = () => Effect.log("x")` },
    { filename, code: header + `void Effect.log("x")` },
    { filename, code: header + `let e = Effect.void; e = Effect.log("x")` },
    { filename, code: header + `const p = Promise.resolve(1); p.then(() => 1, () => 2)` },
    { filename, code: header + `function* g() { yield 1 }` },
    { filename, code: header + `const o = { n: 1 }; o.n` }
  ],
  invalid: [
    { filename, code: header + `Effect.log("x")`, errors: [{ messageId: "floating" }] },
    {
      filename,
      code: header + `const program = Effect.gen(function*() { Effect.log("x"); yield* Effect.void })`,
      errors: [{ messageId: "floating" }]
    },
    {
      filename,
      code: header + `Effect.succeed(1).pipe(Effect.map((n) => n + 1))`,
      errors: [{ messageId: "floating" }]
    },
    { filename, code: header + `const o: { e?: Effect.Effect<void> } = {}; o.e`, errors: [{ messageId: "floating" }] },
    {
      filename,
      code: header + `declare const e: Effect.Effect<void> | undefined; e`,
      errors: [{ messageId: "floating" }]
    },
    { filename, code: header + `Exit.succeed(1)`, errors: [{ messageId: "floating" }] },
    {
      filename,
      code: header + `const program = Effect.gen(function*() { yield Effect.log("x") })`,
      errors: [{ messageId: "yieldWithoutStar" }]
    }
  ]
})
