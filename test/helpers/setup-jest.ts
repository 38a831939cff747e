// The SDK warns once per process that releases after January 2027 need Node 22; the tests run on the
// Node 20 these machines have, and the warning would bury real output. (The CLI sets the same.)
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// Powertools metrics print EMF to stdout; off in the tests, as Powertools' "Testing your code" suggests.
// The EMF tests turn them on where they read them back (test/helpers/emf.ts).
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
