import { authorize, type Credential, type Principal, verify } from '../access/access';
import type { AccountKey } from '../accounts/record';
import { isInstallationId, keyMatchesHash } from '../crypto/keys';
import { RateLimitedError } from '../errors';
import { installationNotFound } from '../installations/service';
import type { SecretSource } from '../secrets/port';
import type { InvokeSnapshot, RateLimiter, SnapshotReader } from '../store/ports';

export interface AdmitDeps {
  readonly secrets: SecretSource;
  readonly snapshots: SnapshotReader;
  readonly rateLimiter: RateLimiter;
  /** 0 turns the limit off. */
  readonly rateLimitPerMinute: number;
  readonly now: () => number;
}

export interface Admitted extends InvokeSnapshot {
  readonly principal: Principal;
}

type Taken = Awaited<ReturnType<RateLimiter['take']>>;

/**
 * Lets an invoke in: who calls, the installation and the account as they are now (one
 * consistent read), and one invoke of the installation's rate limit. Nothing about the
 * installation is trusted from memory — only which key hash belongs to which id is kept, to
 * decide that counting the rate limit may run alongside the read: a key that once matched is
 * the installation's real key, so counting for it cannot let a stranger spend another
 * installation's minute. A key not known yet is checked against the read before anything is
 * counted.
 */
export class Admission {
  private readonly keyHashes = new Map<string, string>();

  constructor(private readonly deps: AdmitDeps) {}

  async admit(
    credential: Credential,
    installationId: string,
    account: AccountKey | undefined,
    /** Runs once the caller is known, before the installation's existence is: a bad request's refusal. */
    authenticated: () => void = () => {},
  ): Promise<Admitted> {
    if (credential.kind === 'installation' && credential.installationId !== installationId) {
      // Another installation's key: 401 if it is not genuine, else 403 — whether or not the
      // path's installation exists.
      const own = await this.deps.snapshots.read(credential.installationId, undefined);
      authorize(
        await verify(credential, this.deps.secrets, own.installation),
        'admin-or-own',
        installationId,
      );
    }
    if (credential.kind === 'admin') {
      await verify(credential, this.deps.secrets, undefined);
      authenticated();
    }
    const limited = this.deps.rateLimitPerMinute > 0;
    // The admin key was checked without storage, so its invokes always count alongside the read.
    const admin = credential.kind === 'admin' ? ({ kind: 'admin' } as const) : undefined;
    const early = limited && (admin !== undefined || this.knownGood(credential, installationId));
    if (admin !== undefined && !isInstallationId(installationId)) throw installationNotFound(installationId);
    const [snapshot, counted] = await Promise.all([
      this.deps.snapshots.read(installationId, account),
      early ? this.take(installationId) : undefined,
    ]);
    const principal = admin ?? (await verify(credential, this.deps.secrets, snapshot.installation));
    authorize(principal, 'admin-or-own', installationId);
    if (admin === undefined) authenticated();
    if (snapshot.installation === undefined) throw installationNotFound(installationId);
    if (credential.kind === 'installation') this.remember(installationId, snapshot.installation.keyHash);
    const taken = counted ?? (limited ? await this.take(installationId) : { allowed: true as const });
    if (!taken.allowed) {
      throw new RateLimitedError(this.deps.rateLimitPerMinute, taken.retryAfterMs);
    }
    return { ...snapshot, principal };
  }

  private take(installationId: string): Promise<Taken> {
    return this.deps.rateLimiter.take(installationId, this.deps.rateLimitPerMinute, this.deps.now());
  }

  private knownGood(credential: Credential, installationId: string): boolean {
    if (credential.kind !== 'installation') return false;
    const hash = this.keyHashes.get(installationId);
    return (
      credential.installationId === installationId &&
      hash !== undefined &&
      keyMatchesHash(credential.key, hash)
    );
  }

  private remember(installationId: string, keyHash: string): void {
    // Bounded: the oldest goes first (this only ever decides ordering, never access).
    if (this.keyHashes.size >= 10_000) {
      const oldest = this.keyHashes.keys().next();
      if (oldest.done !== true) this.keyHashes.delete(oldest.value);
    }
    this.keyHashes.set(installationId, keyHash);
  }
}
