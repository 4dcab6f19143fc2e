/** How the cold-start section builds each function: as the deployment does, and naively. */
import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { parseServerlessYaml } from '../serverless-yaml';

export const REPO_ROOT = join(__dirname, '..', '..');
/** The stage the environment is resolved for: names only, nothing is deployed. */
const STAGE = 'bench';
const REGION = 'us-east-1';

/** One function of serverless.yml: the environment it runs in and its two builds. */
export interface BenchFunction {
  readonly name: string;
  readonly env: Record<string, string>;
  /** As the deployment builds it. */
  readonly esm: BuildOptions;
  readonly naive: BuildOptions;
}

interface ServerlessFile {
  readonly provider: { readonly runtime: string; readonly environment: Record<string, string> };
  readonly custom: Record<string, unknown>;
  readonly functions: Record<string, { readonly handler: string }>;
}

/** Every function of serverless.yml, its bundles written under `outdir`. */
export function benchFunctions(outdir: string): BenchFunction[] {
  const file = parseServerlessYaml(REPO_ROOT) as ServerlessFile;
  const deployment = deploymentBuild();
  return Object.entries(file.functions).map(([name, { handler }]) => {
    const entry = `${handler.slice(0, handler.lastIndexOf('.'))}.ts`;
    const esm = { ...deployment, ...common(entry, join(outdir, 'esm', name)) };
    const naive = naiveBuild(entry, join(outdir, 'naive', name), deployment.define);
    return { name, env: lambdaEnvironment(file, name), esm, naive };
  });
}

/** `${sls:stage}`, `${self:custom.x}` and `${env:X, 'default'}` (X unset) resolved as for a fresh stage. */
function resolveVariables(value: string, custom: Record<string, unknown>): string {
  return value.replace(/\$\{([^{}]+)\}/g, (_, variable: string) => {
    if (variable === 'sls:stage') return STAGE;
    const own = /^self:custom\.(\w+)$/.exec(variable)?.[1];
    if (own !== undefined) return resolveVariables(String(custom[own] ?? ''), custom);
    const env = /^env:\w+,\s*'([^']*)'$/.exec(variable);
    if (env !== null) return env[1] ?? '';
    throw new Error(`serverless.yml: cannot resolve \${${variable}} for the cold-start bench`);
  });
}

/**
 * The environment Lambda gives a deployed function: serverless.yml's provider environment
 * (with its defaults, for stage "bench") and the variables the Lambda runtime sets — but no
 * credentials and no HANDSHAKE_LOCAL, so module init runs as it would in AWS.
 */
function lambdaEnvironment({ provider, custom }: ServerlessFile, name: string): Record<string, string> {
  const functionName = `handshake-${STAGE}-${name}`;
  return {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    ...Object.fromEntries(
      Object.entries(provider.environment).map(([name, value]) => [
        name,
        resolveVariables(String(value), custom),
      ]),
    ),
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_EXECUTION_ENV: `AWS_Lambda_${provider.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: '2026/11/26/[$LATEST]0123456789abcdef',
  };
}

/** serverless-esbuild's own options, which it removes before calling esbuild (dist/bundle.js). */
const PLUGIN_ONLY_OPTIONS = (
  'concurrency zipConcurrency exclude nativeZip packager packagePath watch keepOutputDirectory ' +
  'packagerOptions installExtraArgs outputFileExtension outputBuildFolder outputWorkFolder ' +
  'nodeExternals skipBuild skipRebuild skipBuildExcludeFns stripEntryResolveExtensions disposeContext'
).split(' ');

type DeploymentOptions = BuildOptions & {
  readonly exclude?: readonly string[];
  readonly outputFileExtension?: string;
};
/** Both builds write a metafile (it only adds the report of inputs, to find the bundle by). */
const common = (entry: string, outdir: string): BuildOptions => ({
  entryPoints: [join(REPO_ROOT, entry)],
  absWorkingDir: REPO_ROOT,
  outdir,
  metafile: true,
  logLevel: 'silent',
});

/**
 * The esbuild options of the deployment, per entry: infra/esbuild.config.cjs (which validates
 * the app and inlines it) over serverless-esbuild's defaults, mapped as serverless-esbuild maps
 * them — plugin-only keys dropped, `exclude` added to `external`, `outputFileExtension` as
 * `outExtension`. Its `define` inlines the app's files and the version.
 */
function deploymentBuild(): BuildOptions {
  const makeOptions = require(join(REPO_ROOT, 'infra', 'esbuild.config.cjs')) as () => DeploymentOptions;
  const options: DeploymentOptions = {
    // serverless-esbuild's defaults (index.js), its target from `nodejs22.x`; the config wins.
    bundle: true,
    target: 'node22',
    platform: 'node',
    external: [],
    exclude: ['aws-sdk'],
    outputFileExtension: '.js',
    ...makeOptions(),
  };
  const esbuildOptions: Record<string, unknown> = { ...options };
  for (const name of PLUGIN_ONLY_OPTIONS) delete esbuildOptions[name];
  const exclude = options.exclude ?? [];
  const extension = options.outputFileExtension ?? '.js';
  return {
    ...(esbuildOptions as BuildOptions),
    external: [...(options.external ?? []), ...(exclude.includes('*') ? [] : exclude)],
    ...(extension === '.js' ? {} : { outExtension: { '.js': extension } }),
  };
}

/**
 * The naive comparison: what esbuild makes of the same entry with its defaults and CommonJS
 * output — no minify, no mainFields (esbuild's `main,module` for platform node, so dual
 * packages come in as their CommonJS builds, which tree shaking cannot trim), `treeShaking`
 * and `sourcemap` left at esbuild's defaults, no banner (CommonJS has `require`). The `define`
 * is kept, so both bundles hold the same inlined app and run the same code.
 */
function naiveBuild(entry: string, outdir: string, define: BuildOptions['define']): BuildOptions {
  const cjs = { bundle: true, platform: 'node', target: 'node22', format: 'cjs' } as const;
  return { ...cjs, ...(define && { define }), outExtension: { '.js': '.cjs' }, ...common(entry, outdir) };
}
