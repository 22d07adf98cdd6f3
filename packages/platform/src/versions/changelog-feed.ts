import type { ChangelogEntry } from '@bookflow/events';
import { Feed } from 'feed';

/**
 * The schema changelog as an Atom 1.0 feed, one entry per version, newest first, so people can
 * subscribe to new versions. Built with `feed` (jpmonette/feed), which escapes the text and writes
 * the required Atom elements (id, title, updated, link) correctly.
 */
export function changelogAtom(changelog: readonly ChangelogEntry[], publicUrl: string): string {
  const base = publicUrl.replace(/\/+$/, '');
  const updated = new Date(`${changelog[0]?.date ?? '2026-04-10'}T00:00:00.000Z`);
  const feed = new Feed({
    id: `${base}/v1/changelog.atom`,
    title: 'BookFlow webhook schema changelog',
    description:
      'New schema versions of the BookFlow webhook events, with their changes and support windows.',
    link: `${base}/v1/event-types`,
    feedLinks: { atom: `${base}/v1/changelog.atom` },
    updated,
    generator: false,
    copyright: 'BookFlow',
  });
  for (const entry of changelog) {
    const support = entry.supported_until
      ? `Supported until ${entry.supported_until}.`
      : 'The current version: supported until 12 months after the next one ships.';
    feed.addItem({
      title: `Schema version ${entry.version}`,
      id: `${base}/v1/event-types?version=${entry.version}`,
      link: `${base}/v1/event-types?version=${entry.version}`,
      date: new Date(`${entry.date}T00:00:00.000Z`),
      description: [...entry.changes, support].join('\n'),
      content: `<ul>${[...entry.changes, support].map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`,
    });
  }
  return feed.atom1();
}

/** The entry's HTML content is itself text inside XML: the feed escapes it as XML, this as HTML. */
function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}
