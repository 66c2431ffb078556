// Loaded right after ts-node (.mocharc.json): stack traces are mapped to the TypeScript lines by
// Node itself rather than by the source-map-support ts-node installs. The Pulumi SDK takes a stack
// trace for every promise it makes (runtime/debuggable.ts), and mapping each of those in
// source-map-support's JavaScript was seconds of every run.
delete (Error as { prepareStackTrace?: unknown }).prepareStackTrace;
process.setSourceMapsEnabled(true);
