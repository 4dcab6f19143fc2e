// osls' `invoke local` loads a handler with require() and only knows `.js` and `.cjs`, while
// serverless-esbuild writes our ESM bundles as `.mjs` (what Lambda's nodejs22.x loads as ESM
// without a package.json). Node 22 can require() an ES module, so a one-line `.cjs` per handler
// lets `invoke local` run the very bundle that would be deployed. The shims live in their own
// folder so they can never end up in a deployment package.
const { existsSync, mkdirSync, rmSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');

class InvokeLocalEsm {
  constructor(serverless) {
    this.serverless = serverless;
    // Listed after serverless-esbuild in serverless.yml, so this runs after its build, which
    // pointed serviceDir at the build folder.
    this.hooks = { 'before:invoke:local:invoke': () => this.useShims() };
  }

  useShims() {
    const buildDir = this.serverless.serviceDir;
    const shimDir = join(dirname(buildDir), '.invoke-local');
    rmSync(shimDir, { recursive: true, force: true });
    for (const fn of Object.values(this.serverless.service.functions ?? {})) {
      if (typeof fn.handler !== 'string') continue;
      const modulePath = fn.handler.slice(0, fn.handler.lastIndexOf('.'));
      const built = join(buildDir, `${modulePath}.mjs`);
      if (!existsSync(built)) continue;
      const shim = join(shimDir, `${modulePath}.cjs`);
      mkdirSync(dirname(shim), { recursive: true });
      writeFileSync(shim, `module.exports = require(${JSON.stringify(built)});\n`);
    }
    this.serverless.serviceDir = shimDir;
    this.serverless.config.servicePath = shimDir;
  }
}

module.exports = InvokeLocalEsm;
