import { nextAttemptAt } from '../../lib/refresh/backoff';

describe('nextAttemptAt', () => {
  it('doubles from 30 s and stops at 30 min, within ±20 %', () => {
    const at = (failures: number, random: number) => nextAttemptAt(0, failures, () => random);
    expect(at(1, 0.5)).toBe(30_000);
    expect(at(2, 0.5)).toBe(60_000);
    expect(at(3, 0.5)).toBe(120_000);
    expect(at(20, 0.5)).toBe(1_800_000);
    expect(at(1, 0)).toBe(24_000);
    expect(at(1, 1)).toBe(36_000);
  });
});
