import { chosenSections, SECTION_NAMES } from '../../../tools/bench/args';
import { cpuSecondsOfStat } from '../../../tools/bench/cpu';
import {
  formatNumber,
  markdownTable,
  median,
  passFail,
  percentile,
  sectionResult,
} from '../../../tools/bench/section';
import { ScriptExit } from '../../../tools/cli';

function exitOf(args: readonly string[]): ScriptExit {
  try {
    chosenSections(args);
  } catch (error) {
    if (error instanceof ScriptExit) return error;
    throw error;
  }
  throw new Error('no ScriptExit');
}

describe('bench arguments', () => {
  it('runs every section, in order, when none is named', () => {
    expect(chosenSections([])).toEqual([...SECTION_NAMES]);
  });

  it('runs the named sections in run order, whatever order they are named in', () => {
    expect(chosenSections(['cold-start', 'refresh'])).toEqual(['refresh', 'cold-start']);
  });

  it('refuses an unknown section with exit 2, naming it and the known ones', () => {
    const exit = exitOf(['invoke', 'nope']);
    expect(exit.code).toBe(2);
    expect(exit.message).toContain(
      'unknown section nope; known: refresh, fan-out, invoke, console, cold-start',
    );
  });

  it('prints the usage on stdout with exit 0 for --help', () => {
    const exit = exitOf(['--help']);
    expect(exit).toMatchObject({ code: 0, stream: 'stdout' });
    expect(exit.message).toContain('npm run bench [-- <section> …]');
  });

  it('refuses an option it does not know', () => {
    expect(exitOf(['--fast']).code).toBe(2);
  });
});

describe('bench statistics', () => {
  it('takes percentiles by nearest rank, without reordering the samples', () => {
    const samples = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(samples, 50)).toBe(5);
    expect(percentile(samples, 90)).toBe(9);
    expect(percentile(samples, 99)).toBe(10);
    expect(percentile(samples, 1)).toBe(1);
    expect(samples[0]).toBe(5);
  });

  it('has no median of no samples', () => {
    expect(median([])).toBeNaN();
    expect(median([7])).toBe(7);
  });
});

describe('bench formatting', () => {
  it('pads every column to its widest cell', () => {
    expect(markdownTable(['a', 'long header'], [['wide cell', 'x']]).split('\n')).toEqual([
      '| a         | long header |',
      '| --------- | ----------- |',
      '| wide cell | x           |',
    ]);
  });

  it('formats numbers with separators and fixed decimals', () => {
    expect(formatNumber(1234.56, 1)).toBe('1,234.6');
    expect(formatNumber(999.5)).toBe('1,000');
  });

  it('says pass or FAIL, and lists wrong results', () => {
    expect([passFail(true), passFail(false)]).toEqual(['pass', 'FAIL']);
    expect(sectionResult(['# t', 'x'], [])).toEqual({ markdown: '# t\n\nx', ok: true });
    expect(sectionResult(['t'], ['a', 'b'])).toEqual({
      markdown: 't\n\n**Wrong result:** a\n\n**Wrong result:** b',
      ok: false,
    });
  });
});

describe('bench CPU readings', () => {
  it('adds user and system ticks of /proc/<pid>/stat, counting fields after the command name', () => {
    // Fields 14 and 15 (utime 250, stime 50); the command name holds a space and a parenthesis.
    const stat = '4242 (node (x) y) S 1 2 3 0 -1 4194304 97 0 0 0 250 50 0 0 20 0 1 0 7882592';
    expect(cpuSecondsOfStat(stat, 100)).toBe(3);
  });

  it('has no reading of a line it cannot parse', () => {
    expect(cpuSecondsOfStat('garbage', 100)).toBeUndefined();
  });
});
