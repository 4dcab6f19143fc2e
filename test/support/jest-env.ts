// Quiet structured logs in tests unless asked for; tests that scan logs capture them explicitly.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_DEV ??= 'false';
// EMF metrics are JSON lines on stdout: off in tests, which assert on metrics where they matter.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
