// The package's version for what the library itself prints ("Running tspark
// <version>", the event log's header, the Environment page), here so internal
// modules need not import the package index (which imports them). A test
// checks it equals the index's `version`.
export const tsparkVersion = "0.1.0"
