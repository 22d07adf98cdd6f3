import type { Agent, Lead, MeetingOwner } from '../types.ts';
import type { Random } from './random.ts';

/**
 * Invented people and companies for sample payloads. Contact details are unreachable on purpose:
 * test events land in real CRMs, so emails and URLs use the reserved `.example` domain and phone
 * numbers the 555-0100..0199 block that US numbering keeps for fiction.
 */

const FIRST_NAMES = [
  'Jordan',
  'Maria',
  'Priya',
  'Marcus',
  'Emily',
  'Daniel',
  'Aisha',
  'Kevin',
  'Sofia',
  'Tyler',
  'Grace',
  'Andre',
  'Hannah',
  'Luis',
  'Rachel',
  'Brandon',
  'Mei',
  'Caleb',
  'Olivia',
  'Darnell',
];

const LAST_NAMES = [
  'Rivera',
  'Nguyen',
  'Patel',
  'Johnson',
  'Carter',
  'Kim',
  'Brooks',
  'Sullivan',
  'Morales',
  'Hayes',
  'Okafor',
  'Bennett',
  'Lindqvist',
  'Ramirez',
  'Walsh',
  'Chen',
  'Foster',
  'Delgado',
  'Price',
  'Shapiro',
];

const COMPANIES = [
  'Northwind Logistics',
  'Summit Ridge Dental',
  'Clearwater Insurance Group',
  'Brightline Solar',
  'Harbor & Pine Realty',
  'Keystone Payroll',
  'Redwood Analytics',
  'Lakeside Auto Group',
  'Copperleaf Health',
  'Atlas Freight Partners',
  'Bluebird Home Services',
  'Granite State Roofing',
];

const TITLES = [
  'Operations Manager',
  'VP of Sales',
  'Office Manager',
  'Director of Marketing',
  'Owner',
  'Head of Revenue Operations',
  'COO',
  'Practice Manager',
];

/** Area codes with the zone their subscribers live in, so a lead's phone and timezone agree. */
const REGIONS = [
  { areaCode: '212', timezone: 'America/New_York' },
  { areaCode: '617', timezone: 'America/New_York' },
  { areaCode: '404', timezone: 'America/New_York' },
  { areaCode: '312', timezone: 'America/Chicago' },
  { areaCode: '512', timezone: 'America/Chicago' },
  { areaCode: '303', timezone: 'America/Denver' },
  { areaCode: '602', timezone: 'America/Phoenix' },
  { areaCode: '415', timezone: 'America/Los_Angeles' },
  { areaCode: '206', timezone: 'America/Los_Angeles' },
] as const;

const SOURCES = [
  'website_form',
  'hubspot_import',
  'salesforce_import',
  'webinar',
  'inbound_call',
  'csv_upload',
];

const CAMPAIGNS = [
  'Q2 outbound: logistics',
  'Spring webinar follow-up',
  'Pricing page requests',
  'Trade show 2026',
];

const AGENT_NAMES = ['Ava', 'Riley', 'Sam', 'Morgan', 'Quinn'];

/** The BookFlow customers whose account executives take the meetings. */
export const SELLERS = ['Ledgerline', 'Fieldstack', 'Crewbase', 'Tallypoint'];

const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '');

export function samplePhone(rnd: Random, areaCode: string): string {
  return `+1${areaCode}55501${rnd.digits(2)}`;
}

export interface Cast {
  lead: Lead;
  agent: Agent;
  owner: MeetingOwner;
  /** The account's calling number, the other end of every call. */
  agentNumber: string;
  /** The lead's IANA zone; meetings are booked in it. */
  timezone: string;
  seller: string;
}

/** Everyone one sample event involves, drawn together so that their details agree. */
export function sampleCast(rnd: Random): Cast {
  const first = rnd.pick(FIRST_NAMES);
  const last = rnd.pick(LAST_NAMES);
  const region = rnd.pick(REGIONS);
  const company = rnd.chance(0.9) ? rnd.pick(COMPANIES) : null;
  const seller = rnd.pick(SELLERS);
  const ownerFirst = rnd.pick(FIRST_NAMES.filter((name) => name !== first));
  const ownerLast = rnd.pick(LAST_NAMES);
  const emailDomain = company ? `${slug(company)}.example` : 'mail.example';
  return {
    lead: {
      id: rnd.id('lead'),
      name: `${first} ${last}`,
      email: rnd.chance(0.9) ? `${slug(first)}.${slug(last)}@${emailDomain}` : null,
      phone: samplePhone(rnd, region.areaCode),
      company,
      title: company ? rnd.pick(TITLES) : null,
      source: rnd.pick(SOURCES),
      campaign: rnd.chance(0.7) ? rnd.pick(CAMPAIGNS) : null,
      score: null,
    },
    agent: { id: rnd.id('agt'), name: `${rnd.pick(AGENT_NAMES)} (${seller} SDR)` },
    owner: {
      id: rnd.id('usr'),
      name: `${ownerFirst} ${ownerLast}`,
      email: `${slug(ownerFirst)}.${slug(ownerLast)}@${slug(seller)}.example`,
    },
    agentNumber: samplePhone(rnd, rnd.pick(REGIONS).areaCode),
    timezone: region.timezone,
    seller,
  };
}
