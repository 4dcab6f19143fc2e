import { forEachPooled } from '../../lib/concurrency/pool';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('forEachPooled', () => {
  it('runs every item, never more than `concurrency` at once', async () => {
    let inFlight = 0;
    let most = 0;
    const done: number[] = [];
    const result = await forEachPooled([1, 2, 3, 4, 5, 6, 7], { concurrency: 3 }, async (item) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await tick();
      inFlight -= 1;
      done.push(item);
    });
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(most).toBe(3);
    expect(result.unfinished).toBe(false);
  });

  it('runs one at a time when concurrency is below one or not a number', async () => {
    for (const concurrency of [0, -2, Number.NaN]) {
      let most = 0;
      let inFlight = 0;
      const done: number[] = [];
      await forEachPooled([1, 2, 3], { concurrency }, async (item) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await tick();
        inFlight -= 1;
        done.push(item);
      });
      expect({ concurrency, most, done }).toEqual({ concurrency, most: 1, done: [1, 2, 3] });
    }
  });

  it('reads an async source one next() at a time', async () => {
    let reading = 0;
    let overlapping = false;
    const source: AsyncIterable<number> = {
      [Symbol.asyncIterator]() {
        let index = 0;
        return {
          async next() {
            reading += 1;
            if (reading > 1) overlapping = true;
            await tick();
            reading -= 1;
            index += 1;
            return index > 4 ? { done: true, value: undefined } : { done: false, value: index };
          },
        };
      },
    };
    const seen: number[] = [];
    await forEachPooled(source, { concurrency: 4 }, async (item) => {
      seen.push(item);
    });
    expect(seen.sort()).toEqual([1, 2, 3, 4]);
    expect(overlapping).toBe(false);
  });

  it('takes no item once the deadline has passed on its clock, and says it stopped', async () => {
    let now = 0;
    const done: number[] = [];
    const result = await forEachPooled(
      [1, 2, 3, 4],
      { concurrency: 1, startBefore: 2, clock: () => now },
      async (item) => {
        done.push(item);
        now += 1;
      },
    );
    expect(done).toEqual([1, 2]);
    expect(result.unfinished).toBe(true);
  });

  it('starts nothing when the deadline is already over', async () => {
    const work = jest.fn(async () => {});
    const result = await forEachPooled([1], { concurrency: 2, startBefore: Date.now() - 1 }, work);
    expect(work).not.toHaveBeenCalled();
    expect(result.unfinished).toBe(true);
  });

  it('stops taking items at the first failure, waits for the work in flight, then rejects with it', async () => {
    const started: number[] = [];
    let finished = 0;
    const run = forEachPooled([1, 2, 3, 4, 5, 6], { concurrency: 2 }, async (item) => {
      started.push(item);
      if (item === 1) throw new Error('one failed');
      await tick();
      await tick();
      finished += 1;
    });
    await expect(run).rejects.toThrow('one failed');
    expect(started).toEqual([1, 2]);
    expect(finished).toBe(1);
  });

  it('closes a generator it stops early, so its clean-up runs', async () => {
    let closed = false;
    async function* items() {
      try {
        for (let index = 0; ; index += 1) yield index;
      } finally {
        closed = true;
      }
    }
    let now = 0;
    const result = await forEachPooled(
      items(),
      { concurrency: 1, startBefore: 3, clock: () => now },
      async () => {
        now += 1;
      },
    );
    expect(result.unfinished).toBe(true);
    expect(closed).toBe(true);
  });

  it('rejects with the source’s own failure', async () => {
    async function* failing() {
      yield 1;
      throw new Error('the query failed');
    }
    const seen: number[] = [];
    await expect(
      forEachPooled(failing(), { concurrency: 3 }, async (item) => {
        seen.push(item);
      }),
    ).rejects.toThrow('the query failed');
    expect(seen).toEqual([1]);
  });
});
