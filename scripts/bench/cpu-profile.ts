/**
 * A V8 CPU profile of this process over one piece of work, summed up by where the code comes
 * from (Handshake's lib/ folders, npm packages, Node's core, V8 builtins, waiting), so a bench
 * can say where the time of a call goes without a profiler UI.
 */
import type { Profiler } from 'node:inspector';
import { Session } from 'node:inspector/promises';

/** Sampling interval: fine enough for calls of a fraction of a millisecond. */
const SAMPLING_INTERVAL_US = 100;

/** Self time in ms per origin, over the whole profiled work. */
export type ProfileSummary = ReadonlyMap<string, number>;

export const WAITING = 'idle: waiting for I/O (the upstream, DynamoDB Local)';

function packageOf(url: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url.slice(url.lastIndexOf('node_modules/')));
  const name = match?.[1] ?? 'other package';
  if (name.startsWith('@aws-sdk/') || name.startsWith('@smithy/')) return 'AWS SDK v3 (@aws-sdk, @smithy)';
  if (name.startsWith('@aws-lambda-powertools/') || name === '@middy/core')
    return 'Powertools logger/metrics, middy';
  return name;
}

/** Where a sampled frame's code comes from. */
export function originOf(frame: Profiler.ProfileNode['callFrame']): string {
  switch (frame.functionName) {
    case '(idle)':
      return WAITING;
    case '(garbage collector)':
      return 'V8 garbage collector';
    case '(program)':
    case '(root)':
      return 'V8 / native, unattributed';
    default:
      break;
  }
  const url = frame.url;
  if (url === '') return 'V8 builtins (JSON, RegExp, crypto, Buffer, Map …)';
  if (url.startsWith('node:')) return 'Node.js core (net, http, streams, timers)';
  if (url.includes('/node_modules/')) return packageOf(url);
  const own = /\/(lib\/[^/]+|functions)\//.exec(url);
  if (own?.[1] !== undefined) return own[1];
  if (url.includes('/scripts/bench/')) return 'bench harness (timing, checks)';
  return 'other';
}

function summarize(profile: Profiler.Profile): ProfileSummary {
  const origins = new Map<number, string>();
  for (const node of profile.nodes) origins.set(node.id, originOf(node.callFrame));
  const totals = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // A sample's time runs until the next one.
  for (let index = 0; index < samples.length; index++) {
    const origin = origins.get(samples[index] as number) ?? 'other';
    const us = deltas[index + 1] ?? 0;
    totals.set(origin, (totals.get(origin) ?? 0) + us / 1000);
  }
  return totals;
}

/** Runs `work` under the V8 CPU profiler of this process and sums its samples by origin. */
export async function profiled(work: () => Promise<void>): Promise<ProfileSummary> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
    await session.post('Profiler.start');
    let failure: unknown;
    try {
      await work();
    } catch (error) {
      failure = error;
    }
    const { profile } = await session.post('Profiler.stop');
    await session.post('Profiler.disable');
    if (failure !== undefined) throw failure;
    return summarize(profile);
  } finally {
    session.disconnect();
  }
}
