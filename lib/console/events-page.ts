import type { EventView } from '../events/list';
import { html, type SafeHtml } from '../pages/html';
import { EVENT_STATES, type EventState } from '../store/outbox-ports';
import { queryOf, segment, statusPill, when } from './format';
import { csrfField } from './layout';

export interface EventsFilter {
  readonly state?: EventState | undefined;
  readonly cursor?: string | undefined;
}

function filters(filter: EventsFilter): SafeHtml {
  const option = (value: string, label: string) =>
    html`<option value="${value}"${value === (filter.state ?? '') ? html` selected` : ''}>${label}</option>`;
  return html`<form method="get" action="/console/events" class="filters" id="events-filter" data-testid="events-filter">
<div class="field"><label for="filter-state">State</label><select id="filter-state" data-testid="filter-state" name="state">
${option('', 'Any')}${EVENT_STATES.map((state) => option(state, state))}
</select></div>
<button type="submit" id="events-filter-submit" data-testid="events-filter-submit">Show</button>
</form>`;
}

function lastAnswer(event: EventView): string {
  if (event.lastStatus === null && event.lastError === null) return '—';
  const status = event.lastStatus === null ? 'no answer' : `HTTP ${event.lastStatus}`;
  return event.lastError === null ? status : `${status}: ${event.lastError}`;
}

/** The events page's body: webhook deliveries with their state and last answer; a dead one can be replayed. */
export function eventsPage(
  csrf: string,
  filter: EventsFilter,
  page: { readonly events: readonly EventView[]; readonly next: string | null },
  webhookConfigured: boolean,
): SafeHtml {
  const rows =
    page.events.length === 0
      ? html`<p id="events-empty" data-testid="events-empty">No event${filter.state === undefined ? '' : ` is ${filter.state}`}.</p>`
      : html`<div class="scroll"><table class="stack" id="events" data-testid="events">
<thead><tr><th>Event</th><th>Type</th><th>Installation</th><th>State</th><th>Attempts</th><th>Created</th><th>Last attempt</th><th>Last answer</th><th></th></tr></thead>
<tbody>${page.events.map(
          (event) => html`<tr data-testid="event-row" data-event="${event.id}" data-state="${event.state}">
<td data-label="Event"><code>${event.id}</code></td><td data-label="Type">${event.type}</td><td data-label="Installation"><a href="/console/installations/${segment(event.installation)}"><code>${event.installation}</code></a></td>
<td data-label="State">${statusPill(event.state)}</td><td data-label="Attempts" data-testid="event-attempts">${event.attempts}</td><td data-label="Created">${when(event.createdAt)}</td><td data-label="Last attempt">${when(event.lastAttemptAt)}</td><td data-label="Last answer">${lastAnswer(event)}</td>
<td data-label="">${
            event.state === 'dead'
              ? html`<form method="post" action="/console/events/${segment(event.id)}/replay" class="inline">${csrfField(csrf)}<button type="submit" data-testid="replay">Replay</button></form>`
              : ''
          }</td></tr>`,
        )}</tbody></table></div>`;
  return html`<h1>Webhook events</h1>
${webhookConfigured ? '' : html`<p class="notice" data-testid="webhook-off">No webhook is set (HANDSHAKE_WEBHOOK_URL): no event is recorded.</p>`}
${filters(filter)}
${rows}
${page.next === null ? '' : html`<p><a id="next-page" data-testid="next-page" href="/console/events${queryOf({ state: filter.state, cursor: page.next })}">Next page →</a></p>`}`;
}

/** What a replay did: the event after its first new attempt. */
export function replayResultPage(event: EventView): SafeHtml {
  return html`<p class="eyebrow"><a href="/console/events">Events</a></p>
<h1>Replayed <code>${event.id}</code></h1>
<p id="replay-outcome" data-testid="replay-outcome" data-state="${event.state}">The event is now ${statusPill(event.state)} after ${event.attempts} attempt${event.attempts === 1 ? '' : 's'}; last answer: ${lastAnswer(event)}.</p>
<p><a href="/console/events" data-testid="back-to-events">Back to the events</a></p>`;
}
