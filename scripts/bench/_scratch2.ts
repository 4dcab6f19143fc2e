process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
async function main() {
  const { startRefreshWorld, seedInstallations, seedDueAccounts } = await import('./refresh-world');
  const { cpuMeter } = await import('./probe');
  const { inPool } = await import('./section');
  const stops: Array<() => unknown> = [];
  const world = await startRefreshWorld({ defer: (s) => stops.push(s) });
  try {
    const plan = (process.env.PLAN ?? '32,32,32').split(',').map(Number);
    const n = 1000;
    let i = 0;
    for (const c of plan) {
      const table = await world.table(`tbl${i++}`);
      const inst = await seedInstallations(table, n / 10);
      const seeded = await seedDueAccounts(world, table, inst, n);
      const meter = cpuMeter(world.dynamo.process.pid);
      const t0 = performance.now();
      await inPool(seeded, c, async ({ key }) => {
        const now = Date.now();
        const l = await table.accounts.acquireLease(
          key,
          { owner: 'x', until: now + 45000, now },
          { kind: 'due', now },
        );
        if (!l.acquired) throw new Error('no lease');
        await table.accounts.put(
          {
            ...l.record,
            leaseOwner: undefined,
            leaseUntil: undefined,
            version: l.record.version + 1,
            refreshDueAt: now + 3600000,
          },
          { kind: 'version', version: l.record.version },
        );
      });
      const s = (performance.now() - t0) / 1000;
      const cpu = meter();
      process.stdout.write(
        `store-only C=${c} ${(n / s).toFixed(0)} lease+put/s node=${cpu.node.toFixed(2)} java=${cpu.dynamo?.toFixed(2)} javaMsPerPair=${(((cpu.dynamo ?? 0) * s * 1000) / n).toFixed(2)} nodeMsPerPair=${((cpu.node * s * 1000) / n).toFixed(2)}\n`,
      );
    }
  } finally {
    for (const s of stops.reverse()) await s();
  }
}
main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
