/**
 * The console's create-installation form, generated from config/iparams.json as `fdk run`'s
 * configuration page is: one control per iparam in the app's order, the product hosts and app
 * settings the app's templates read, and each of the validator's messages next to its field.
 * It posts what POST /installations takes; judging it stays with checkIparams and the use case.
 *
 * Form names (and the keys of `errors`) are the JSON paths of POST /installations' body —
 * `iparams.NAME`, `current_host.endpoint_urls.PRODUCT`, `app_settings` —, so they never meet
 * the console's own hidden fields, and an error of the use case lands on its field as it is.
 */
import { html, type SafeHtml } from '../pages/html';
import { type FormApp, type IparamsFormState, installationReads } from './form-keys';
import { appSettingsControl, controlTargets, endpointControl, iparamControl } from './iparam-controls';

export {
  APP_SETTINGS_KEY,
  EMPTY_FORM,
  endpointKey,
  type FormApp,
  type IparamsFormState,
  installationReads,
  iparamKey,
} from './form-keys';
export {
  fieldErrors,
  formErrorsOf,
  type InstallationForm,
  parseInstallationForm,
  parseIparamsForm,
} from './iparams-form-parse';

/** The errors at the top of the form, each a link to its field; those of no field, as text. */
function errorSummary(app: FormApp, errors: Readonly<Record<string, string>>): SafeHtml | '' {
  const keys = Object.keys(errors);
  if (keys.length === 0) return '';
  const reads = installationReads(app);
  const placed = controlTargets([...app.iparams.values()], reads.products, reads.settings).filter(
    (target) => errors[target.key] !== undefined,
  );
  const placedKeys = new Set(placed.map((target) => target.key));
  const unplaced = keys.filter((key) => !placedKeys.has(key));
  const items = [
    ...placed.map(
      (target) => html`<li><a href="#${target.id}">${target.label}: ${errors[target.key]}</a></li>`,
    ),
    ...unplaced.map((key) => html`<li>${errors[key]}</li>`),
  ];
  return html`<div class="alert" role="alert" id="form-errors">
<p>The installation was not created: ${keys.length === 1 ? 'one field needs' : `${keys.length} fields need`} correcting.</p>
<ul>${items}</ul>
</div>`;
}

/**
 * The create-installation form: `<form method="post">` to the page's own URL, with `hidden`
 * fields (the console's CSRF token), an error summary, one control per iparam of every FDK type,
 * the product hosts and app settings the templates read, and a submit button. Escaped throughout.
 */
export function renderIparamsForm(
  app: FormApp,
  state: IparamsFormState,
  hidden: Readonly<Record<string, string>> = {},
): SafeHtml {
  const reads = installationReads(app);
  const fields = [...app.iparams.values()];
  const hosts = reads.products.map((product, index) => endpointControl(product, index, state));
  return html`<form method="post" novalidate class="iparams-form">
${Object.entries(hidden).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
${errorSummary(app, state.errors)}
${fields.length === 0 ? html`<p class="muted">This app has no installation parameters (config/iparams.json).</p>` : fields.map((field, index) => iparamControl(field, index, state))}
${
  hosts.length === 0
    ? ''
    : html`<h2>Product hosts</h2>
${hosts}`
}
${reads.settings.length === 0 ? '' : appSettingsControl(reads.settings, state)}
<button type="submit">Create installation</button>
</form>`;
}
