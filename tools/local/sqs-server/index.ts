/** The local SQS server: start it beside DynamoDB Local with `startSqsServer({ port: await freePort() })`. */
export { freePort } from '../dynamodb-local';
export { SqsError } from './errors';
export { type Clock, systemClock } from './queue';
export { type LocalSqs, type SqsServerOptions, startSqsServer } from './server';
