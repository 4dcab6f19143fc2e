import { tableRef } from '../../lib/store/dynamo';
import { oncePer } from '../../lib/wiring/once-per';

describe('oncePer', () => {
  it('makes one value per key object, and another for another key', () => {
    const make = jest.fn((key: { name: string }) => ({ of: key.name }));
    const made = oncePer(make);
    const a = { name: 'a' };
    const b = { name: 'b' };
    expect(made(a)).toBe(made(a));
    expect(made(b)).not.toBe(made(a));
    expect(made(b)).toEqual({ of: 'b' });
    expect(make).toHaveBeenCalledTimes(2);
  });

  it('remembers a value that is falsy', () => {
    const make = jest.fn(() => 0);
    const made = oncePer(make);
    const key = {};
    expect([made(key), made(key)]).toEqual([0, 0]);
    expect(make).toHaveBeenCalledTimes(1);
  });

  it('gives a second configuration its own table, not the first one', () => {
    const base = { region: 'us-east-1', dynamodbEndpoint: 'http://127.0.0.1:8000', local: true };
    const one = { ...base, tableName: 'handshake-one' };
    const two = { ...base, tableName: 'handshake-two' };
    expect(tableRef(one)).toBe(tableRef(one));
    expect(tableRef(two).tableName).toBe('handshake-two');
    expect(tableRef(one).tableName).toBe('handshake-one');
    tableRef(one).client.destroy();
    tableRef(two).client.destroy();
  });
});
