import type { HandlerContext } from '@bookflow/receiver';
import type { Client } from '@hubspot/api-client';
import type { AnyEvent, Connector } from '../../connector.ts';
import { disqualificationReasons, field, type LeadFields, leadOf, splitName, text } from '../event-fields.ts';
import type { CrmObjects } from '../mappings/crm-objects.ts';
import { type MeetingChange, meetingChange } from '../meeting-change.ts';
import { type CrmRetryPolicy, DEFAULT_CRM_RETRY } from '../retry/decide.ts';
import { type Sleep, withCrmRetries } from '../retry/with-retries.ts';
import { associatedWithContact, describeHubSpotError, movesForward } from './hubspot-api.ts';

export interface HubSpotConnectorOptions {
  client: Client;
  objects: CrmObjects;
  retry?: CrmRetryPolicy;
  sleep?: Sleep;
}

type Outcome = 'SCHEDULED' | 'CANCELED' | 'COMPLETED' | 'NO_SHOW';

/** HubSpot's meeting outcome for each change. */
const OUTCOME: Record<MeetingChange, Outcome> = {
  scheduled: 'SCHEDULED',
  canceled: 'CANCELED',
  held: 'COMPLETED',
  no_show: 'NO_SHOW',
};

/** A meeting.* event as the state it leaves the meeting in, stamped with the event's own time. */
function meetingState(event: AnyEvent): { outcome: Outcome; at: Date } | null {
  const changed = meetingChange(event);
  return changed && { outcome: OUTCOME[changed.change], at: changed.at };
}

function summaryBody(data: unknown): string {
  const summary = text(data, 'summary');
  const transcript = text(data, 'transcript_url');
  return [summary, transcript ? `Transcript: ${transcript}` : null].filter(Boolean).join('\n\n');
}

/**
 * HubSpot, as BookFlow's documents describe it: a booking finds or creates the contact, creates
 * the meeting (associated with the contact), moves the lifecycle stage forward to SQL and notes
 * the summary; later meeting events update that meeting, a disqualification marks the lead
 * UNQUALIFIED with a note of the reasons, and each ended call is logged. Each side effect runs
 * once per event (ctx.once); the meeting and the contact are also found again by BookFlow id
 * (the mapping table), so a second event about them updates rather than duplicates.
 */
export class HubSpotConnector implements Connector {
  readonly name = 'hubspot';
  readonly #client: Client;
  readonly #objects: CrmObjects;
  readonly #retry: CrmRetryPolicy;
  readonly #sleep: Sleep | undefined;

  constructor(options: HubSpotConnectorOptions) {
    this.#client = options.client;
    this.#objects = options.objects;
    this.#retry = options.retry ?? DEFAULT_CRM_RETRY;
    this.#sleep = options.sleep;
  }

  #call<T>(what: string, ctx: HandlerContext, call: () => Promise<T>): Promise<T> {
    return withCrmRetries(what, call, describeHubSpotError, {
      policy: this.#retry,
      sleep: this.#sleep,
      signal: ctx.signal,
      onRetry: (failure) => ctx.log.warn({ status: failure.status, what }, 'hubspot call failed, retrying'),
    });
  }

  async handle(event: AnyEvent, ctx: HandlerContext): Promise<void> {
    const lead = leadOf(event.data);
    if (!lead) return;
    switch (event.type) {
      case 'meeting.booked': {
        const contactId = await ctx.once('contact', () => this.#contact(lead, ctx));
        await ctx.once('meeting', () => this.#meeting(event, contactId, ctx));
        await ctx.once('lifecycle', () => this.#advanceLifecycle(contactId, ctx));
        const body = summaryBody(event.data);
        if (body) await ctx.once('note', () => this.#note(contactId, body, event, ctx));
        return;
      }
      case 'meeting.rescheduled':
      case 'meeting.canceled':
      case 'meeting.completed': {
        const contactId = await ctx.once('contact', () => this.#contact(lead, ctx));
        await ctx.once('meeting', () => this.#meeting(event, contactId, ctx));
        return;
      }
      case 'lead.disqualified': {
        const contactId = await ctx.once('contact', () => this.#contact(lead, ctx));
        await ctx.once('lead-status', () =>
          this.#call('set hs_lead_status', ctx, () =>
            this.#client.crm.contacts.basicApi.update(contactId, {
              properties: { hs_lead_status: 'UNQUALIFIED' },
            }),
          ).then(() => true),
        );
        const reasons = disqualificationReasons(event.data);
        const body = `Disqualified by BookFlow AI${reasons.length > 0 ? `: ${reasons.join('; ')}` : ''}`;
        await ctx.once('note', () => this.#note(contactId, body, event, ctx));
        return;
      }
      case 'call.ended': {
        const contactId = await ctx.once('contact', () => this.#contact(lead, ctx));
        await ctx.once('call', () => this.#loggedCall(event, contactId, ctx));
        return;
      }
    }
  }

  /** The lead's contact: remembered, else found by email then phone (one search), else created. */
  async #contact(lead: LeadFields, ctx: HandlerContext): Promise<string> {
    return this.#objects.withLock('contact', lead.id, async (tx) => {
      const known = await this.#objects.find('contact', lead.id, tx);
      if (known) return known.crmId;
      const filterGroups = [
        lead.email
          ? { filters: [{ propertyName: 'email', operator: 'EQ' as never, value: lead.email }] }
          : null,
        lead.phone
          ? { filters: [{ propertyName: 'phone', operator: 'EQ' as never, value: lead.phone }] }
          : null,
      ].filter((g) => g !== null);
      let contactId: string | undefined;
      if (filterGroups.length > 0) {
        const found = await this.#call('search contacts', ctx, () =>
          this.#client.crm.contacts.searchApi.doSearch({
            filterGroups,
            properties: ['email', 'phone'],
            limit: 10,
          }),
        );
        const byEmail = found.results.find(
          (c) => lead.email && c.properties.email?.toLowerCase() === lead.email.toLowerCase(),
        );
        contactId = (byEmail ?? found.results[0])?.id;
      }
      if (!contactId) {
        const { first, last } = splitName(lead.name);
        const properties: Record<string, string> = {};
        for (const [key, value] of Object.entries({
          email: lead.email,
          phone: lead.phone,
          firstname: first,
          lastname: last,
          company: lead.company,
        })) {
          if (value) properties[key] = value;
        }
        const created = await this.#call('create contact', ctx, () =>
          this.#client.crm.contacts.basicApi.create({ properties, associations: [] }),
        );
        contactId = created.id;
      }
      await this.#objects.save('contact', lead.id, { crmId: contactId, stateAt: null }, tx);
      return contactId;
    });
  }

  /**
   * Creates the meeting on its first event, whichever type arrives first, and otherwise writes
   * this event's state only when it is newer than the one already written (by the events' own
   * times), so out-of-order events end in the right state.
   */
  async #meeting(event: AnyEvent, contactId: string, ctx: HandlerContext): Promise<string | null> {
    const meetingId = text(event.data, 'meeting', 'id');
    const state = meetingState(event);
    if (!meetingId || !state) return null;
    const meeting = field(event.data, 'meeting');
    const properties: Record<string, string> = { hs_meeting_outcome: state.outcome };
    const start = text(meeting, 'start_at');
    const end = text(meeting, 'end_at');
    if (start) properties.hs_meeting_start_time = start;
    if (end) properties.hs_meeting_end_time = end;
    return this.#objects.withLock('meeting', meetingId, async (tx) => {
      const known = await this.#objects.find('meeting', meetingId, tx);
      if (known?.stateAt && known.stateAt > state.at) return known.crmId;
      let crmId: string;
      if (known) {
        await this.#call('update meeting', ctx, () =>
          this.#client.crm.objects.meetings.basicApi.update(known.crmId, { properties }),
        );
        crmId = known.crmId;
      } else {
        const created = await this.#call('create meeting', ctx, () =>
          this.#client.crm.objects.meetings.basicApi.create({
            properties: {
              ...properties,
              hs_timestamp: start ?? state.at.toISOString(),
              hs_meeting_title: text(meeting, 'title') ?? 'Meeting booked by BookFlow AI',
              hs_meeting_body: summaryBody(event.data),
              ...(text(meeting, 'location') ? { hs_meeting_location: text(meeting, 'location')! } : {}),
              ...(text(meeting, 'conferencing_url')
                ? { hs_meeting_external_url: text(meeting, 'conferencing_url')! }
                : {}),
            },
            associations: associatedWithContact(contactId, 'meeting'),
          }),
        );
        crmId = created.id;
      }
      await this.#objects.save('meeting', meetingId, { crmId, stateAt: state.at }, tx);
      return crmId;
    });
  }

  async #advanceLifecycle(contactId: string, ctx: HandlerContext): Promise<boolean> {
    const contact = await this.#call('read contact', ctx, () =>
      this.#client.crm.contacts.basicApi.getById(contactId, ['lifecyclestage']),
    );
    if (!movesForward(contact.properties.lifecyclestage, 'salesqualifiedlead')) return false;
    await this.#call('set lifecyclestage', ctx, () =>
      this.#client.crm.contacts.basicApi.update(contactId, {
        properties: { lifecyclestage: 'salesqualifiedlead' },
      }),
    );
    return true;
  }

  async #note(contactId: string, body: string, event: AnyEvent, ctx: HandlerContext): Promise<string> {
    const created = await this.#call('create note', ctx, () =>
      this.#client.crm.objects.notes.basicApi.create({
        properties: { hs_timestamp: event.createdAt || new Date().toISOString(), hs_note_body: body },
        associations: associatedWithContact(contactId, 'note'),
      }),
    );
    return created.id;
  }

  async #loggedCall(event: AnyEvent, contactId: string, ctx: HandlerContext): Promise<string> {
    const data = event.data;
    const seconds = Number(field(data, 'duration_seconds') ?? 0);
    const outcome = text(data, 'outcome') ?? 'unknown';
    const properties: Record<string, string> = {
      hs_timestamp: text(data, 'ended_at') ?? event.createdAt,
      hs_call_title: `BookFlow AI call: ${outcome.replace('_', ' ')}`,
      hs_call_body: text(data, 'summary') ?? '',
      hs_call_duration: String(Math.max(0, Math.round(seconds * 1000))),
      hs_call_direction: text(data, 'direction') === 'inbound' ? 'INBOUND' : 'OUTBOUND',
      hs_call_status: 'COMPLETED',
    };
    const recording = text(data, 'recording_url');
    if (recording) properties.hs_call_recording_url = recording;
    const created = await this.#call('log call', ctx, () =>
      this.#client.crm.objects.calls.basicApi.create({
        properties,
        associations: associatedWithContact(contactId, 'call'),
      }),
    );
    return created.id;
  }
}
