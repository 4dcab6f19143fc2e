import { hashKey, newInstallationId, newInstallationKey } from '../../lib/crypto/keys';
import { ForbiddenError, UnauthenticatedError } from '../../lib/errors';
import { authenticate, authorize, type Principal } from '../../lib/http/auth';
import type { InstallationRecord, InstallationStore } from '../../lib/store/ports';

const ADMIN = 'hsa_admin-key-for-this-unit-test-000000000000';

function deps(records: InstallationRecord[]) {
  const installations: InstallationStore = {
    create: async () => {},
    delete: async () => false,
    replaceAppSettings: async () => false,
    get: async (id) => records.find((r) => r.id === id),
  };
  return { installations, secrets: { get: async () => ADMIN } };
}

function installation() {
  const id = newInstallationId();
  const key = newInstallationKey(id);
  const record: InstallationRecord = {
    id,
    keyHash: hashKey(key),
    iparams: {},
    secureIparams: undefined,
    secureIparamNames: [],
    createdAt: '2026-11-23T00:00:00.000Z',
  };
  return { id, key, record };
}

describe('authenticate', () => {
  it('recognises the admin key and an installation key', async () => {
    const one = installation();
    await expect(authenticate(`Bearer ${ADMIN}`, deps([one.record]))).resolves.toEqual({ kind: 'admin' });
    await expect(authenticate(`bearer ${one.key}`, deps([one.record]))).resolves.toEqual({
      kind: 'installation',
      installationId: one.id,
    });
  });

  it.each([
    ['no header', undefined],
    ['an empty bearer', 'Bearer '],
    ['basic auth', `Basic ${Buffer.from('a:b').toString('base64')}`],
    ['the admin key with a suffix', `Bearer ${ADMIN}x`],
    ['the admin key truncated', `Bearer ${ADMIN.slice(0, -1)}`],
    ['a key of a deleted installation', `Bearer ${installation().key}`],
  ])('refuses %s with UNAUTHENTICATED', async (_label, header) => {
    await expect(authenticate(header, deps([]))).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('refuses an installation key whose secret part was changed', async () => {
    const one = installation();
    const tampered = `${one.key.slice(0, -2)}${one.key.endsWith('AA') ? 'BB' : 'AA'}`;
    await expect(authenticate(`Bearer ${tampered}`, deps([one.record]))).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
  });

  it('refuses everything when the admin key secret is missing', async () => {
    const missing = { ...deps([]), secrets: { get: async () => undefined } };
    await expect(authenticate(`Bearer ${ADMIN}`, missing)).rejects.toBeInstanceOf(UnauthenticatedError);
  });
});

describe('authorize', () => {
  const admin: Principal = { kind: 'admin' };
  const own: Principal = { kind: 'installation', installationId: 'in_aaaaaaaaaaaaaaaaaaaa' };
  it.each([
    [admin, 'admin', 'in_aaaaaaaaaaaaaaaaaaaa', true],
    [admin, 'admin-or-own', 'in_bbbbbbbbbbbbbbbbbbbb', true],
    [own, 'admin-or-own', 'in_aaaaaaaaaaaaaaaaaaaa', true],
    [own, 'admin-or-own', 'in_bbbbbbbbbbbbbbbbbbbb', false],
    [own, 'admin', 'in_aaaaaaaaaaaaaaaaaaaa', false],
    [own, 'admin-or-own', undefined, false],
  ] as const)('%o doing %s on %s → allowed %s', (principal, access, id, allowed) => {
    const act = () => authorize(principal, access, id);
    if (allowed) expect(act).not.toThrow();
    else expect(act).toThrow(ForbiddenError);
  });
});
