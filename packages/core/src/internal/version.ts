// The package version, where modules inside the package need it (the index re-exports it as `version`).
export const TSPARK_VERSION = "0.1.0"
