// Quiet structured logs in tests unless asked for; tests that scan logs capture them explicitly.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_DEV ??= 'false';
