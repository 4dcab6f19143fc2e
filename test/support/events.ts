export { lambdaContext } from '../../scripts/lambda-context';
export {
  EVENTS_ADMIN_KEY,
  EVENTS_INSTALLATION_ID,
  forInstallation,
  loadEvent,
  withAuthorization,
} from '../../scripts/local/event-payloads';
