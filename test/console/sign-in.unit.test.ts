import type { ConsoleDeps } from '../../lib/console/deps';
import { openSession } from '../../lib/console/session';
import { signIn } from '../../lib/console/sign-in';
import { createCipher, newKeyRing, parseKeyRing } from '../../lib/crypto';
import type { HttpRequest } from '../../lib/http/request';
import { vaultFrom } from '../../lib/tokens/vault';

const ADMIN = 'hsa_unit-admin-key';
const NOW = Date.parse('2026-12-03T08:00:00.000Z');
const vault = vaultFrom(createCipher(parseKeyRing(newKeyRing())));

function world(allowed = true) {
  const taken: Array<{ key: string; limit: number; now: number }> = [];
  const slept: number[] = [];
  const deps = {
    app: { name: 'Desk' },
    installations: { secrets: { get: async () => ADMIN }, installations: { get: async () => undefined } },
    signInLimiter: {
      take: async (key: string, limit: number, now: number) => {
        taken.push({ key, limit, now });
        return allowed ? { allowed: true } : { allowed: false, retryAfterMs: 12_300 };
      },
    },
    vault: async () => vault,
    now: () => new Date(NOW),
    publicUrlOf: () => 'https://auth.example.com',
    sleep: async (ms: number) => {
      slept.push(ms);
    },
    signIn: { perMinute: 10, failureDelayMs: 1000 },
  } as unknown as ConsoleDeps;
  return { deps, taken, slept };
}

const request = { sourceIp: '203.0.113.9' } as HttpRequest;
const form = (key: string) => new URLSearchParams({ admin_key: key });

describe('signing in to the console', () => {
  it('takes one attempt of the address, then answers a wrong key only after the delay', async () => {
    const { deps, taken, slept } = world();
    const answer = await signIn(deps, request, form('hsa_wrong'));
    expect(taken).toEqual([{ key: '203.0.113.9', limit: 10, now: NOW }]);
    expect(slept).toEqual([1000]);
    expect(answer.statusCode).toBe(401);
    expect(answer.cookies).toBeUndefined();
    expect(answer.body).not.toContain('hsa_wrong');
  });

  it('gives the admin key a session that opens, set as a Secure cookie over https', async () => {
    const { deps, slept } = world();
    const answer = await signIn(deps, request, form(` ${ADMIN} `));
    const cookie = answer.cookies?.[0] ?? '';
    const value = /^__Secure-hs_console=([^;]+);/.exec(cookie)?.[1];
    expect(answer.statusCode).toBe(303);
    expect(answer.headers.location).toBe('/console');
    expect(cookie).toContain('; Secure');
    expect(slept).toEqual([]);
    expect(openSession(vault, value, NOW + 1000, ADMIN)).toEqual({
      session: expect.objectContaining({ until: NOW + 8 * 3600_000 }),
    });
  });

  it('refuses over the limit before the key is checked: 429 with the seconds to wait', async () => {
    const { deps, slept } = world(false);
    const answer = await signIn(deps, request, form(ADMIN));
    expect(answer.statusCode).toBe(429);
    expect(answer.headers['retry-after']).toBe('13');
    expect(answer.cookies).toBeUndefined();
    expect(slept).toEqual([]);
  });
});
