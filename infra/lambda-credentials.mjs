// @ts-check
// Bundled in place of @aws-sdk/credential-provider-node (see esbuild.config.cjs `alias`).
// A Lambda function always gets its role's credentials in the environment, so the default
// chain's other sources — SSO, STS web identity, INI files, IMDS, their nested clients — are
// dead weight in every bundle (~90 KB). Locally the scripts set the same variables.
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (init = {}) => fromEnv(init);
