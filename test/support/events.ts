export { lambdaContext } from '../../scripts/lambda-context';
export {
  EVENTS_ADMIN_KEY,
  forInstallation,
  loadEvent,
  withAuthorization,
} from '../../scripts/local/event-payloads';
