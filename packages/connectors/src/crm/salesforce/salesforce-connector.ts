import type { HandlerContext } from '@bookflow/receiver';
import type { Connection } from '@jsforce/jsforce-node';
import type { AnyEvent, Connector } from '../../connector.ts';
import { disqualificationReasons, field, type LeadFields, leadOf, splitName, text } from '../event-fields.ts';
import type { CrmObjects } from '../mappings/crm-objects.ts';
import { type MeetingChange, meetingChange } from '../meeting-change.ts';
import { SALESFORCE_API_VERSION, type SalesforceSession } from './salesforce-session.ts';

export interface HighValueRule {
  /** Companies (any case) whose bookings are announced on Chatter. */
  companies: readonly string[];
  /** A lead score (data.lead.score) at or above this is high-value too. */
  minLeadScore?: number;
}

export interface SalesforceConnectorOptions {
  session: SalesforceSession;
  objects: CrmObjects;
  /** Owner of a Task when the meeting owner's email matches no active User. */
  defaultOwnerId?: string;
  /** The Lead Status a disqualification sets. */
  unqualifiedStatus?: string;
  highValue?: HighValueRule;
}

/** The Id of the first record of `type` matching `where` (jsforce writes the SOQL, escaping values). */
async function findId(
  connection: Connection,
  type: string,
  where: Record<string, unknown>,
): Promise<string | null> {
  const record = (await connection.sobject(type).findOne(where as never, ['Id'])) as { Id?: string } | null;
  return record?.Id ?? null;
}

/** Salesforce record ids carry their object's key prefix: 00Q is a Lead. */
const isLeadId = (id: string) => id.startsWith('00Q');

type TaskState = { status: 'Not Started' | 'Completed'; subjectPrefix: string; at: Date };

/** The Task's status and subject prefix for each change. */
const TASK_STATE: Record<MeetingChange, Omit<TaskState, 'at'>> = {
  scheduled: { status: 'Not Started', subjectPrefix: '' },
  canceled: { status: 'Completed', subjectPrefix: 'Canceled: ' },
  held: { status: 'Completed', subjectPrefix: 'Held: ' },
  no_show: { status: 'Completed', subjectPrefix: 'No-show: ' },
};

function taskState(event: AnyEvent): TaskState | null {
  const changed = meetingChange(event);
  return changed && { ...TASK_STATE[changed.change], at: changed.at };
}

export function isHighValue(rule: HighValueRule | undefined, lead: LeadFields, data: unknown): boolean {
  if (!rule) return false;
  const company = lead.company?.toLowerCase();
  if (company && rule.companies.some((c) => c.toLowerCase() === company)) return true;
  const score = field(data, 'lead', 'score');
  return rule.minLeadScore !== undefined && typeof score === 'number' && score >= rule.minLeadScore;
}

/**
 * Salesforce, as BookFlow's documents describe it: the lead is upserted by BookFlow_Lead_Id__c,
 * or the Contact with its email is updated; a booking creates a Task for the AE (the User with
 * the owner's email, else the default owner) with the meeting's details, and a high-value booking
 * is posted to Chatter on the record in the same composite request; later meeting events update
 * the Task (never with an older state); a disqualification sets the Lead's Status.
 */
export class SalesforceConnector implements Connector {
  readonly name = 'salesforce';
  readonly #session: SalesforceSession;
  readonly #objects: CrmObjects;
  readonly #options: SalesforceConnectorOptions;

  constructor(options: SalesforceConnectorOptions) {
    this.#session = options.session;
    this.#objects = options.objects;
    this.#options = options;
  }

  async handle(event: AnyEvent, ctx: HandlerContext): Promise<void> {
    const lead = leadOf(event.data);
    if (!lead) return;
    if (event.type === 'lead.disqualified') {
      const whoId = await ctx.once('who', () => this.#who(lead, ctx));
      if (!isLeadId(whoId)) return; // a Contact has no lead status
      const reasons = disqualificationReasons(event.data).join('; ');
      await ctx.once('status', () =>
        this.#session
          .call('set Lead Status', ctx, (c) =>
            c.sobject('Lead').update({
              Id: whoId,
              Status: this.#options.unqualifiedStatus ?? 'Unqualified',
              ...(reasons ? { Description: `Disqualified by BookFlow AI: ${reasons}` } : {}),
            }),
          )
          .then(() => true),
      );
      return;
    }
    const state = taskState(event);
    const meetingId = text(event.data, 'meeting', 'id');
    if (!state || !meetingId) return;
    const whoId = await ctx.once('who', () => this.#who(lead, ctx));
    const ownerEmail = text(event.data, 'meeting', 'owner', 'email');
    const ownerId = await ctx.once('owner', () => this.#owner(ownerEmail, ctx));
    const announce =
      event.type === 'meeting.booked' && isHighValue(this.#options.highValue, lead, event.data);
    const task = await ctx.once('task', () =>
      this.#task(event, meetingId, state, whoId, ownerId, announce, ctx),
    );
    if (announce && !task.feedItemId) {
      await ctx.once('chatter', () =>
        this.#session
          .call('post to Chatter', ctx, (c) =>
            c.sobject('FeedItem').create(this.#feedItem(whoId, event, lead)),
          )
          .then((r) => (r as { id: string }).id),
      );
    }
  }

  /** The Contact with the lead's email (updated), else the Lead upserted by its BookFlow id. */
  async #who(lead: LeadFields, ctx: HandlerContext): Promise<string> {
    return this.#objects.withLock('who', lead.id, async (tx) => {
      const known = await this.#objects.find('who', lead.id, tx);
      if (known) return known.crmId;
      let id: string | undefined;
      if (lead.email) {
        const email = lead.email;
        const contactId = await this.#session.call('find Contact', ctx, (c) =>
          findId(c, 'Contact', { Email: email }),
        );
        if (contactId) {
          id = contactId;
          const update = { Id: contactId, ...(lead.phone ? { Phone: lead.phone } : {}) };
          await this.#session.call('update Contact', ctx, (c) => c.sobject('Contact').update(update));
        }
      }
      if (!id) {
        const { first, last } = splitName(lead.name);
        const record = {
          BookFlow_Lead_Id__c: lead.id,
          FirstName: first,
          LastName: last ?? first ?? lead.id,
          // Company is required on a Lead; a person without one is their own company.
          Company: lead.company ?? lead.name ?? lead.id,
          Email: lead.email,
          Phone: lead.phone,
          LeadSource: lead.source,
        };
        const result = await this.#session.call('upsert Lead', ctx, (c) =>
          c.sobject('Lead').upsert(record, 'BookFlow_Lead_Id__c'),
        );
        id = (result as { id?: string }).id;
        if (!id) {
          id =
            (await this.#session.call('find Lead', ctx, (c) =>
              findId(c, 'Lead', { BookFlow_Lead_Id__c: lead.id }),
            )) ?? undefined;
        }
        if (!id) throw new Error(`Salesforce upserted Lead ${lead.id} but gave no id`);
      }
      await this.#objects.save('who', lead.id, { crmId: id, stateAt: null }, tx);
      return id;
    });
  }

  async #owner(email: string | null, ctx: HandlerContext): Promise<string | null> {
    if (email) {
      const userId = await this.#session.call('find User', ctx, (c) =>
        findId(c, 'User', { Email: email, IsActive: true }),
      );
      if (userId) return userId;
    }
    return this.#options.defaultOwnerId ?? null;
  }

  #feedItem(whoId: string, event: AnyEvent, lead: LeadFields) {
    const start = text(event.data, 'meeting', 'start_at');
    return {
      ParentId: whoId,
      Type: 'TextPost',
      Body: `High-value meeting booked by BookFlow AI: ${lead.name ?? lead.id}${lead.company ? ` (${lead.company})` : ''}${start ? ` on ${start}` : ''}.`,
    };
  }

  /** Creates the Task on the meeting's first event, else updates it when this state is newer. */
  async #task(
    event: AnyEvent,
    meetingId: string,
    state: TaskState,
    whoId: string,
    ownerId: string | null,
    announce: boolean,
    ctx: HandlerContext,
  ): Promise<{ taskId: string; feedItemId: string | null }> {
    const meeting = field(event.data, 'meeting');
    const start = text(meeting, 'start_at');
    const fields = {
      Subject: `${state.subjectPrefix}${text(meeting, 'title') ?? 'Meeting booked by BookFlow AI'}`,
      ...(start ? { ActivityDate: start.slice(0, 10) } : {}),
      Status: state.status,
    };
    return this.#objects.withLock('task', meetingId, async (tx) => {
      const known = await this.#objects.find('task', meetingId, tx);
      if (known?.stateAt && known.stateAt > state.at) return { taskId: known.crmId, feedItemId: null };
      if (known) {
        await this.#session.call('update Task', ctx, (c) =>
          c.sobject('Task').update({ Id: known.crmId, ...fields }),
        );
        await this.#objects.save('task', meetingId, { crmId: known.crmId, stateAt: state.at }, tx);
        return { taskId: known.crmId, feedItemId: null };
      }
      const description = [
        text(event.data, 'summary'),
        start
          ? `Starts ${start}, ends ${text(meeting, 'end_at') ?? '?'} (${text(meeting, 'timezone') ?? 'UTC'})`
          : null,
        text(meeting, 'conferencing_url') ? `Join: ${text(meeting, 'conferencing_url')}` : null,
        text(event.data, 'transcript_url') ? `Transcript: ${text(event.data, 'transcript_url')}` : null,
      ]
        .filter(Boolean)
        .join('\n');
      const task = {
        ...fields,
        Description: description,
        WhoId: whoId,
        ...(ownerId ? { OwnerId: ownerId } : {}),
      };
      const created = announce
        ? await this.#createWithChatter(task, this.#feedItem(whoId, event, { ...leadOf(event.data)! }), ctx)
        : {
            taskId: (
              (await this.#session.call('create Task', ctx, (c) => c.sobject('Task').create(task))) as {
                id: string;
              }
            ).id,
            feedItemId: null,
          };
      await this.#objects.save('task', meetingId, { crmId: created.taskId, stateAt: state.at }, tx);
      return created;
    });
  }

  /** The Task and its Chatter post in one composite request (one round trip, all or none). */
  async #createWithChatter(task: object, feedItem: object, ctx: HandlerContext) {
    const base = `/services/data/v${SALESFORCE_API_VERSION}/sobjects`;
    const answer = await this.#session.call('create Task and Chatter post', ctx, (c) =>
      c.requestPost<{
        compositeResponse: Array<{ referenceId: string; httpStatusCode: number; body: unknown }>;
      }>('/composite', {
        allOrNone: true,
        compositeRequest: [
          { method: 'POST', url: `${base}/Task`, referenceId: 'task', body: task },
          { method: 'POST', url: `${base}/FeedItem`, referenceId: 'post', body: feedItem },
        ],
      }),
    );
    const byRef = new Map(answer.compositeResponse.map((r) => [r.referenceId, r]));
    const failed = answer.compositeResponse.find((r) => r.httpStatusCode >= 300);
    if (failed)
      throw new Error(
        `Salesforce composite request failed at ${failed.referenceId}: ${JSON.stringify(failed.body)}`,
      );
    return {
      taskId: (byRef.get('task')!.body as { id: string }).id,
      feedItemId: (byRef.get('post')!.body as { id: string }).id,
    };
  }
}
