// @ts-check
// Lint only: formatting belongs to dprint (`npm run format`), which keeps lint fast.
import js from "@eslint/js"
import tseslint from "typescript-eslint"
import local from "./tools/eslint/plugin.mjs"

export default tseslint.config(
  {
    ignores: ["**/dist/**", "**/node_modules/**", "**/coverage/**", "docs/api/**", "**/.nx/**", "**/tmp/**", "**/.tmp/**"]
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname }
    },
    plugins: { local },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/no-unused-vars": ["error", {
        argsIgnorePattern: "^_",
        varsIgnorePattern: "^_",
        caughtErrorsIgnorePattern: "^_",
        destructuredArrayIgnorePattern: "^_",
        ignoreRestSiblings: true
      }],
      "@typescript-eslint/consistent-type-imports": ["error", {
        prefer: "type-imports",
        fixStyle: "inline-type-imports"
      }],
      "local/no-floating-effect": "error"
    }
  },
  {
    // Library code logs through Effect's Logger (util/Logging), never the console: a line there has a level, a
    // format and a place the user chose. The CLI writes to process.stdout/stderr explicitly.
    files: ["packages/*/src/**/*.ts"],
    rules: { "no-console": "error" }
  },
  {
    // plain JavaScript (configs, scripts, the local rules) sits in no tsconfig: lint it without types
    files: ["**/*.js", "**/*.mjs", "**/*.cjs"],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { console: "readonly", process: "readonly", URL: "readonly", setImmediate: "readonly" } },
    rules: { "local/no-floating-effect": "off" }
  }
)
