import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { App } from '../../../lib/app';
import type { DnsLookup, Egress } from '../../../lib/egress';
import { type FdkRefusal, fdkRefusalOf } from '../../../lib/http/error-status';
import { DEFAULT_INVOKE_SETTINGS, type InvokeDeps } from '../../../lib/invoke/invoke';
import type { InstallationRecord } from '../../../lib/store/ports';
import { OpenMemo } from '../../../lib/tokens/open-memo';
import { loadApp, readAppDir } from '../../../tools/app';

/** Writes an app folder (file path → JSON value) to a temp dir, loads it, and removes the dir. */
export function loadTempApp(files: Readonly<Record<string, unknown>>): App {
  const root = mkdtempSync(join(tmpdir(), 'handshake-probe-app-'));
  try {
    for (const [name, value] of Object.entries(files)) {
      const path = join(root, name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, JSON.stringify(value, null, 2));
    }
    const { app, problems } = loadApp(readAppDir(root));
    if (app === undefined) throw new Error(`test app is invalid: ${JSON.stringify(problems)}`);
    return app;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export const MANIFEST = (requests: readonly string[]) => ({
  'platform-version': '3.1',
  modules: { common: { requests: Object.fromEntries(requests.map((name) => [name, {}])) } },
  engines: { node: '18.18.2', fdk: '9.1.0' },
});

export const INSTALLATION: InstallationRecord = {
  id: 'in_abcdefghijklmnopqrst',
  keyHash: 'ab'.repeat(32),
  iparams: {},
  secureIparams: undefined,
  secureIparamNames: [],
  createdAt: '2025-01-01T00:00:00.000Z',
};

const unused = (what: string) => () => {
  throw new Error(`${what} must not be used by these tests`);
};

/** Invoke's dependencies around a real Egress: one installation, admitted as the admin, no OAuth. */
export function probeDeps(app: App, egress: Egress): InvokeDeps {
  return {
    app,
    admission: {
      admit: async (_credential, id) => ({
        installation: id === INSTALLATION.id ? INSTALLATION : undefined,
        account: undefined,
        principal: { kind: 'admin' },
      }),
    },
    vault: async () => unused('vault')(),
    memo: new OpenMemo(),
    egress,
    tokens: { current: unused('tokens.current'), afterUnauthorized: unused('tokens.afterUnauthorized') },
    // These calls never ask for `cache`: nothing is looked up or kept.
    cache: { find: async () => undefined, keep: async () => {} },
    now: () => new Date(),
    settings: DEFAULT_INVOKE_SETTINGS,
  };
}

/** A resolver from a fixed table that records every name asked; unknown names fail like ENOTFOUND. */
export function tableLookup(
  table: Readonly<Record<string, readonly string[]>>,
): DnsLookup & { readonly calls: string[] } {
  const calls: string[] = [];
  const lookup: DnsLookup = async (hostname) => {
    calls.push(hostname);
    const addresses = table[hostname];
    if (addresses === undefined)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(lookup, { calls });
}

/**
 * The FDK envelope a call was refused with (through the one error table); fails the test when
 * it resolved or threw anything the envelope does not answer.
 */
export async function refusalOf(promise: Promise<unknown>): Promise<FdkRefusal> {
  let outcome: unknown;
  try {
    outcome = await promise;
  } catch (error) {
    const refusal = fdkRefusalOf(error);
    if (refusal !== undefined) return refusal;
    throw error;
  }
  throw new Error(`expected a refusal, got ${JSON.stringify(outcome)}`);
}
