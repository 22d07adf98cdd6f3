// How the app names its components and where Make's local layout keeps each one's code files.

/** "meeting.booked" → "meetingBooked": Make component names are identifiers. */
export const componentName = (type: string) =>
  type.replace(/[._]([a-z])/g, (_m, c: string) => c.toUpperCase()).replace(/[^a-zA-Z0-9]/g, '');

export const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

export function codeFiles(
  kind: 'modules' | 'webhooks' | 'connections' | 'rpcs',
  name: string,
  codes: string[],
) {
  const prefix = `${kind}/${name}/${name}`;
  const suffix: Record<string, string> = {
    communication: 'communication',
    params: 'params',
    staticParams: 'static-params',
    mappableParams: 'mappable-params',
    interface: 'interface',
    samples: 'samples',
    attach: 'attach',
    detach: 'detach',
  };
  return Object.fromEntries(codes.map((code) => [code, `${prefix}.${suffix[code]}.iml.json`]));
}

/** The one connection every module and webhook uses: an API key of the account. */
export const CONNECTION = 'bookflowApiKey';

/** "meeting.booked" → "watchMeetingBooked", the instant trigger module of the type. */
export const moduleOf = (type: string) => `watch${componentName(`_${type}`)}`;
