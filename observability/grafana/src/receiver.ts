import { type Dashboard, JOB, quantiles, RATE } from './panels.ts';

// The depth gauges are read from the shared store by every receiver process: max, never sum.
export const receiverDashboard: Dashboard = {
  uid: 'bookflow-receiver',
  title: 'BookFlow receiver kit',
  description:
    'Events by type, acknowledgement latency, dedupe, handler errors and the dead letter of a BookFlow receiver.',
  jobMetric: 'bookflow_receiver_dead_letter_depth',
  rows: [
    {
      title: 'Events',
      panels: [
        {
          title: 'Events received by type',
          description: 'Verified deliveries per second by event type, duplicates included.',
          unit: 'reqps',
          queries: [
            {
              expr: `sum by (type) (rate(bookflow_receiver_events_received_total{${JOB}}[${RATE}]))`,
              legend: '{{type}}',
            },
          ],
        },
        {
          title: 'Hourly volume against the same hour of past weeks',
          description:
            'Events per hour by type, and the median of the same hour over the previous four weeks (the volume-anomaly alert fires under a quarter of it). Needs the recording rules in observability/prometheus/rules.',
          queries: [
            { expr: `3600 * bookflow:receiver_events_received:rate1h{${JOB}}`, legend: '{{type}} last hour' },
            {
              expr: `3600 * bookflow:receiver_events_received:rate1h_baseline{${JOB}}`,
              legend: '{{type}} usual',
            },
          ],
        },
      ],
    },
    {
      title: 'Acknowledgement and dedupe',
      panels: [
        {
          title: 'Ack latency',
          description:
            'Request in to answer out (verify, dedupe, enqueue), p50/p95/p99. The alert fires when p99 passes 3 s.',
          unit: 's',
          threshold: 3,
          queries: quantiles('bookflow_receiver_ack_duration_seconds', JOB),
        },
        {
          title: 'Dedupe hit rate',
          description:
            'Deliveries of an event id already seen, over all deliveries: a rising rate means the sender is retrying.',
          unit: 'percentunit',
          queries: [
            {
              expr: `sum(rate(bookflow_receiver_dedupe_hits_total{${JOB}}[${RATE}])) / sum(rate(bookflow_receiver_events_received_total{${JOB}}[${RATE}]))`,
              legend: 'dedupe hits',
            },
          ],
        },
        {
          title: 'Rejected requests',
          description:
            'Signature verification failures by reason, and verified bodies that were not envelopes.',
          unit: 'reqps',
          queries: [
            {
              expr: `sum by (reason) (rate(bookflow_receiver_verification_failures_total{${JOB}}[${RATE}]))`,
              legend: '{{reason}}',
            },
            {
              expr: `sum(rate(bookflow_receiver_invalid_payloads_total{${JOB}}[${RATE}]))`,
              legend: 'invalid payload',
            },
          ],
        },
        {
          title: 'Store errors',
          description: 'Store operations that failed (answered 503, or the worker backed off).',
          unit: 'ops',
          queries: [
            {
              expr: `sum by (operation) (rate(bookflow_receiver_store_errors_total{${JOB}}[${RATE}]))`,
              legend: '{{operation}}',
            },
          ],
        },
      ],
    },
    {
      title: 'Handlers',
      panels: [
        {
          title: 'Handler error rate by type',
          description: 'Handler runs that threw over all runs, per event type. The alert fires above 10 %.',
          unit: 'percentunit',
          threshold: 0.1,
          queries: [
            {
              expr: `sum by (type) (rate(bookflow_receiver_handler_errors_total{${JOB}}[${RATE}])) / sum by (type) (rate(bookflow_receiver_jobs_processed_total{${JOB}}[${RATE}]))`,
              legend: '{{type}}',
            },
          ],
        },
        {
          title: 'Handler runs by outcome',
          description: 'Runs per second: done, retry, dead_letter, unhandled (no handler for the type).',
          unit: 'ops',
          queries: [
            {
              expr: `sum by (outcome) (rate(bookflow_receiver_jobs_processed_total{${JOB}}[${RATE}]))`,
              legend: '{{outcome}}',
            },
          ],
        },
        {
          title: 'Handler duration (p95) by type',
          description: 'Handler run time, p95 per event type.',
          unit: 's',
          queries: [
            {
              expr: `histogram_quantile(0.95, sum by (type, le) (rate(bookflow_receiver_processing_duration_seconds_bucket{${JOB}}[${RATE}])))`,
              legend: '{{type}}',
            },
          ],
        },
        {
          title: 'Received to handled (p95)',
          description: 'From acknowledgement to the handler succeeding (queueing, retries and the run).',
          unit: 's',
          queries: [
            {
              expr: `histogram_quantile(0.95, sum by (le) (rate(bookflow_receiver_end_to_end_seconds_bucket{${JOB}}[${RATE}])))`,
              legend: 'p95',
            },
          ],
        },
      ],
    },
    {
      title: 'Queue and dead letter',
      panels: [
        {
          title: 'Queue depth',
          description: 'Jobs queued (retries waiting for their time included) and running.',
          queries: [{ expr: `max by (state) (bookflow_receiver_queue_depth{${JOB}})`, legend: '{{state}}' }],
        },
        {
          title: 'Dead-letter depth',
          description: 'Events in the local dead letter, waiting for a fix and a replay; replays beside it.',
          queries: [
            { expr: `max(bookflow_receiver_dead_letter_depth{${JOB}})`, legend: 'dead letter depth' },
            {
              expr: `sum(increase(bookflow_receiver_dead_letter_replays_total{${JOB}}[${RATE}]))`,
              legend: 'replayed',
            },
          ],
        },
      ],
    },
  ],
};
