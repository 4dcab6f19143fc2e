import { readFileSync } from 'node:fs';
import type { SweepDeps } from '../../lib/refresh/sweep';

/**
 * Where a sweep's time goes, measured from outside lib/: every port the sweep is given
 * (store, index, secrets, vault, egress) is wrapped to add up its calls and their latency.
 * Latencies are seen from Node, so they include time a finished call waits for a busy event
 * loop; the rest of a worker's time is Node's own work (crypto, JSON, SDK marshalling).
 */
export class Probe {
  readonly totals = new Map<string, { calls: number; ms: number }>();

  wrap<A extends unknown[], R>(name: string, fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
    return async (...args: A) => {
      const started = performance.now();
      try {
        return await fn(...args);
      } finally {
        const total = this.totals.get(name) ?? { calls: 0, ms: 0 };
        total.calls += 1;
        total.ms += performance.now() - started;
        this.totals.set(name, total);
      }
    };
  }
}

/** Operation names, in the order a refresh performs them. */
export const OPERATIONS = {
  index: 'DynamoDB Query, refresh index (per page)',
  lease: 'DynamoDB UpdateItem, take lease',
  leaseGet: 'DynamoDB GetItem, lease refused',
  vault: 'vault() (cached key ring)',
  secrets: 'secrets.get (file source)',
  egress: 'token endpoint POST (egress)',
  put: 'DynamoDB TransactWrite, store result',
} as const;

/** The same dependencies, each port call counted and timed by `probe`. */
export function probed(deps: SweepDeps, probe: Probe): SweepDeps {
  const { accounts, index, secrets, egress } = deps;
  return {
    ...deps,
    accounts: {
      ...accounts,
      acquireLease: probe.wrap(OPERATIONS.lease, accounts.acquireLease.bind(accounts)),
      get: probe.wrap(OPERATIONS.leaseGet, accounts.get.bind(accounts)),
      put: probe.wrap(OPERATIONS.put, accounts.put.bind(accounts)),
    },
    index: { shards: index.shards, due: probe.wrap(OPERATIONS.index, index.due.bind(index)) },
    secrets: { get: probe.wrap(OPERATIONS.secrets, secrets.get.bind(secrets)) },
    egress: { send: probe.wrap(OPERATIONS.egress, egress.send.bind(egress)), close: () => egress.close() },
    vault: probe.wrap(OPERATIONS.vault, deps.vault),
  };
}

/** CPU seconds (user + system) a process has used so far, from /proc; undefined where there is none. */
function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    // Linux reports in USER_HZ, which is 100 on every mainstream architecture.
    return Number.isFinite(ticks) ? ticks / 100 : undefined;
  } catch {
    return undefined;
  }
}

export interface CpuUse {
  /** Cores' worth of CPU the benchmark process used over the interval (1.0 = one core busy). */
  readonly node: number;
  /** The same for the DynamoDB Local JVM, when /proc is there to ask. */
  readonly dynamo: number | undefined;
}

/** Starts measuring CPU of this process and of `dynamoPid`; call the result at the end. */
export function cpuMeter(dynamoPid: number | undefined): () => CpuUse {
  const startedAt = performance.now();
  const node = process.cpuUsage();
  const dynamo = processCpuSeconds(dynamoPid);
  return () => {
    const seconds = (performance.now() - startedAt) / 1000;
    const used = process.cpuUsage(node);
    const dynamoNow = processCpuSeconds(dynamoPid);
    return {
      node: (used.user + used.system) / 1e6 / seconds,
      dynamo: dynamo === undefined || dynamoNow === undefined ? undefined : (dynamoNow - dynamo) / seconds,
    };
  };
}
