// @ts-check
// Bundled in place of @smithy/core/event-streams (see esbuild-plugins.cjs `withoutEventStreams`,
// which fails the build when a bundled client has streaming operations). The protocols load it
// only for such an operation, so nothing here is ever called.
const unavailable = () => {
  throw new Error('@smithy/core/event-streams is not bundled (infra/esbuild-plugins.cjs)');
};

export class EventStreamSerde {
  constructor() {
    unavailable();
  }
}

export const eventStreamSerdeProvider = unavailable;
