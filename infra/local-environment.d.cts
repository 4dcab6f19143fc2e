// Types of infra/local-environment.cjs, for scripts/start.ts.
export declare const BUILDS: string;
export declare const LOCAL_EGRESS_ALLOW: string;

export interface LocalRecord {
  readonly dynamodbEndpoint: string;
  readonly port: number;
  readonly publicUrl: string;
  readonly stage: string;
}

export interface LocalInstance extends LocalRecord {
  readonly dataDir: string;
}

type Env = Readonly<Record<string, string | undefined>>;

export declare function dataDirOf(env: Env, cwd: string): string;
export declare function buildFolderOf(dataDir: string): string;
export declare function writeRecord(dataDir: string, record: LocalRecord): void;
export declare function readRecord(dataDir: string): { record?: LocalRecord; problem?: string };
export declare function localEnvironment(given: Env, instance: LocalInstance): Record<string, string>;
