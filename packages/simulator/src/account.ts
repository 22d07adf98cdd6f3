import { type Agent, type Lead, type MeetingOwner, type Random, SELLERS, sampleCast } from '@bookflow/events';
import { type Mix, pickFrom } from './mix.ts';

/** A lead in the account's lists, with what the agent knows about calling it. */
export interface ListedLead {
  lead: Lead;
  /** IANA zone of the lead's phone number; meetings are booked in its business hours. */
  timezone: string;
  attempts: number;
  state: 'open' | 'booked' | 'disqualified';
}

/** The simulated BookFlow customer: who calls, who takes the meetings, and whom they call. */
export interface SimulatedAccount {
  seller: string;
  agents: Agent[];
  owners: MeetingOwner[];
  /** The number the agent calls from. */
  agentNumber: string;
  leads: ListedLead[];
}

const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '');

/**
 * People from the samples' cast (people.ts), made to agree with one seller: its agents and account
 * executives, and leads whose source and campaign follow the requested mixes.
 */
export function simulatedAccount(
  rnd: Random,
  leads: number,
  mixes: { sources: Mix<string | null>; campaigns: Mix<string | null> },
): SimulatedAccount {
  const seller = rnd.pick(SELLERS);
  const agents = Array.from({ length: 3 }, () => {
    const { agent } = sampleCast(rnd);
    return { id: agent.id, name: `${agent.name.split(' (')[0]} (${seller} SDR)` };
  });
  const owners = Array.from({ length: 4 }, () => {
    const { owner } = sampleCast(rnd);
    return { ...owner, email: owner.email.replace(/@.*$/, `@${slug(seller)}.example`) };
  });
  const agentNumber = sampleCast(rnd).agentNumber;
  const listed = Array.from({ length: leads }, (): ListedLead => {
    const cast = sampleCast(rnd);
    const source = pickFrom(rnd, mixes.sources) ?? 'csv_upload';
    const campaign = pickFrom(rnd, mixes.campaigns);
    const score = rnd.chance(0.85) ? rnd.int(0, 100) : null;
    return {
      lead: { ...cast.lead, source, campaign, score },
      timezone: cast.timezone,
      attempts: 0,
      state: 'open',
    };
  });
  return { seller, agents, owners, agentNumber, leads: listed };
}
