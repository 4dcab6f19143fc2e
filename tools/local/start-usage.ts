/** The --help of `npm start` (tools/start.ts). */
import type { Usage } from '../cli';

export const START_USAGE: Usage = {
  name: 'npm start',
  synopsis: ['npm start [-- --stage <name>]'],
  description: [
    'The whole backend on this machine: DynamoDB Local (data in the data dir), the local secrets',
    'file and the HTTP API through serverless-offline, built from APP_DIR. One line per request and',
    'per outcome; Ctrl-C stops everything. Several instances run side by side with different PORT',
    'and HANDSHAKE_DATA_DIR (and APP_DIR): each builds into a folder of its own.',
  ].join('\n'),
  options: [['--stage <name>', 'the local stage, which names the table handshake-<name> (default dev)']],
  environment: [
    ['PORT', 'HTTP port (default 3000)'],
    ['APP_DIR', 'the FDK app folder to serve (default app)'],
    ['HANDSHAKE_DATA_DIR', 'local data, relative to the repository root (default .handshake)'],
    ['HANDSHAKE_ADMIN_KEY', 'the admin key to use (default: generated on the first start)'],
    ['PUBLIC_URL', 'external base URL, e.g. a tunnel (default http://localhost:$PORT)'],
    ['AWS_ENDPOINT_URL_DYNAMODB', 'a DynamoDB you run yourself (default: DynamoDB Local, started here)'],
    ['HANDSHAKE_WEBHOOK_URL', 'where auth events go (default: off)'],
    ['HANDSHAKE_LOG=raw', "serverless-offline's and the functions' output as is (JSON log lines)"],
    ['POWERTOOLS_METRICS_DISABLED=false', 'print the CloudWatch metrics (EMF) the functions emit'],
  ],
  examples: ['npm start', 'PORT=3001 HANDSHAKE_DATA_DIR=.handshake-other APP_DIR=../my-app npm start'],
};
