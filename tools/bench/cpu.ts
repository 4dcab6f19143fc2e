/**
 * CPU time of a process by its id, from Linux's /proc: what lets the fan-out section say whether
 * its workers, DynamoDB Local or the bench itself used up this machine's cores. Elsewhere (no
 * /proc) every reading is undefined and the section prints "n/a".
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * User plus system seconds from the text of /proc/<pid>/stat. The command name (field 2) may
 * hold spaces and parentheses, so the fields are counted from its closing parenthesis:
 * utime and stime are fields 14 and 15, in clock ticks.
 */
export function cpuSecondsOfStat(stat: string, ticksPerSecond: number): number | undefined {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [utime, stime] = [Number(fields[11]), Number(fields[12])];
  return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / ticksPerSecond : undefined;
}

let ticks: number | undefined;
/** USER_HZ: 100 on every common Linux build, asked once in case this one differs. */
function ticksPerSecond(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

/** The CPU seconds process `pid` has used so far; undefined without /proc or once it is gone. */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    return cpuSecondsOfStat(readFileSync(`/proc/${pid}/stat`, 'utf8'), ticksPerSecond());
  } catch {
    return undefined;
  }
}
