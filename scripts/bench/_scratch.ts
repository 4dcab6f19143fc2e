process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
async function main() {
  const { sweep } = await import('../../lib/refresh/sweep');
  const { startRefreshWorld, seedInstallations, seedDueAccounts } = await import('./refresh-world');
  const { Probe, probed, cpuMeter } = await import('./probe');
  const stops: Array<() => unknown> = [];
  const world = await startRefreshWorld({ defer: (s) => stops.push(s) });
  try {
    const plan = (process.env.PLAN ?? '16,16,32,32,64').split(',').map(Number);
    const n = Number(process.env.N ?? '1000');
    let i = 0;
    for (const c of plan) {
      const table = await world.table(`tbl${i++}`);
      const inst = await seedInstallations(table, n / 10);
      const t0s = performance.now();
      await seedDueAccounts(world, table, inst, n);
      const seedS = (performance.now() - t0s) / 1000;
      const probe = new Probe();
      const meter = cpuMeter(world.dynamo.process.pid);
      const { Session } = await import('node:inspector/promises');
      const session = new Session();
      session.connect();
      const profiling = process.env.PROF && i === plan.length;
      if (profiling) {
        await session.post('Profiler.enable');
        await session.post('Profiler.setSamplingInterval', { interval: 200 });
        await session.post('Profiler.start');
      }
      const t0 = performance.now();
      let deps = table.deps;
      if (process.env.CACHE_SECRETS) {
        const cache = new Map<string, Promise<string | undefined>>();
        const src = deps.secrets;
        deps = {
          ...deps,
          secrets: {
            get: (n) => {
              let v = cache.get(n);
              if (!v) {
                v = src.get(n);
                cache.set(n, v);
              }
              return v;
            },
          },
        };
      }
      const r = await sweep(process.env.NOPROBE ? deps : probed(deps, probe), {
        concurrency: c,
        startBefore: Date.now() + 600000,
      });
      const s = (performance.now() - t0) / 1000;
      const cpu = meter();
      if (profiling) {
        const { profile } = await session.post('Profiler.stop');
        (await import('node:fs')).writeFileSync('/tmp/sweep.cpuprofile', JSON.stringify(profile));
      }
      const ops = [...probe.totals]
        .map(([k, v]) => `${k.slice(0, 22)}=${(v.ms / v.calls).toFixed(1)}`)
        .join(' ');
      process.stdout.write(
        `C=${c} N=${n} seed=${(n / seedS).toFixed(0)}/s ${s.toFixed(2)}s ${(r.outcomes.refreshed / s).toFixed(0)}/s node=${cpu.node.toFixed(2)} java=${cpu.dynamo?.toFixed(2)} | ${ops}\n`,
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
