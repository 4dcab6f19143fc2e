export { lambdaContext } from '../../tools/lambda-context';
export {
  EVENTS_ADMIN_KEY,
  forInstallation,
  loadEvent,
  withAuthorization,
} from '../../tools/local/event-payloads';
