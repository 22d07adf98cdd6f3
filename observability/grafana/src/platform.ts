import { type Dashboard, JOB, quantiles, RATE } from './panels.ts';

// The gauges read from the database (queue, dead letter, endpoints) are the same in every process
// of an installation: max, never sum. Counters and histograms are per process: sum.
export const platformDashboard: Dashboard = {
  uid: 'bookflow-platform',
  title: 'BookFlow platform',
  description: 'Publishing, delivery, the queue, the dead letter and endpoint health of a BookFlow platform.',
  jobMetric: 'bookflow_queue_depth',
  rows: [
    {
      title: 'Publish',
      panels: [
        {
          title: 'Events published by type',
          description: 'Events accepted by POST /v1/events (bookflow_events_published_total).',
          unit: 'reqps',
          queries: [
            {
              expr: `sum by (type) (rate(bookflow_events_published_total{${JOB}}[${RATE}]))`,
              legend: '{{type}}',
            },
          ],
        },
        {
          title: 'Publish latency',
          description: 'POST /v1/events from the handler starting to the event and its deliveries committed.',
          unit: 's',
          queries: quantiles('bookflow_publish_duration_seconds', `${JOB},outcome="created"`),
        },
      ],
    },
    {
      title: 'Delivery',
      panels: [
        {
          title: 'Delivery attempts by outcome',
          description:
            'Attempts per second by outcome and response status class; dead-lettered deliveries beside them.',
          unit: 'ops',
          queries: [
            {
              expr: `sum by (outcome, status_class) (rate(bookflow_delivery_attempts_total{${JOB}}[${RATE}]))`,
              legend: '{{outcome}} {{status_class}}',
            },
            {
              expr: `sum(rate(bookflow_deliveries_dead_lettered_total{${JOB}}[${RATE}]))`,
              legend: 'dead-lettered',
            },
          ],
        },
        {
          title: 'Attempt success ratio',
          description:
            'Succeeded attempts over all attempts. The error-rate alert fires when failures pass 20 %.',
          unit: 'percentunit',
          queries: [
            {
              expr: `sum(rate(bookflow_delivery_attempts_total{${JOB},outcome="succeeded"}[${RATE}])) / sum(rate(bookflow_delivery_attempts_total{${JOB}}[${RATE}]))`,
              legend: 'success ratio',
            },
          ],
        },
        {
          title: 'Attempt latency',
          description: 'Duration of one HTTP attempt, p50/p95/p99.',
          unit: 's',
          queries: quantiles('bookflow_delivery_attempt_duration_seconds', JOB),
        },
        {
          title: 'Event to delivery (p95)',
          description: 'Event accepted → end of its first attempt, and → delivered (retries included).',
          unit: 's',
          queries: [
            {
              expr: `histogram_quantile(0.95, sum by (le) (rate(bookflow_delivery_first_attempt_latency_seconds_bucket{${JOB}}[${RATE}])))`,
              legend: 'first attempt p95',
            },
            {
              expr: `histogram_quantile(0.95, sum by (le) (rate(bookflow_delivery_end_to_end_latency_seconds_bucket{${JOB}}[${RATE}])))`,
              legend: 'delivered p95',
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
          description:
            'Deliveries pending (waiting for their time), delivering (claimed) and held (endpoint disabled).',
          queries: [{ expr: `max by (state) (bookflow_queue_depth{${JOB}})`, legend: '{{state}}' }],
          width: 8,
        },
        {
          title: 'Oldest due delivery age',
          description:
            'How long the most overdue delivery has waited past its time. The overdue alert fires above 5 minutes.',
          unit: 's',
          threshold: 300,
          queries: [{ expr: `max(bookflow_queue_oldest_due_age_seconds{${JOB}})`, legend: 'oldest due' }],
          width: 8,
        },
        {
          title: 'Dead letters',
          description: 'Deliveries in the dead letter (every retry failed), waiting for a replay.',
          queries: [{ expr: `max(bookflow_dead_letter_depth{${JOB}})`, legend: 'dead letter depth' }],
          width: 8,
        },
      ],
    },
    {
      title: 'Endpoints',
      panels: [
        {
          title: 'Endpoints by state',
          description:
            'Healthy, failing (latest attempts failed) and disabled (automatically after failing for BOOKFLOW_ENDPOINT_DISABLE_AFTER, or by their owner).',
          queries: [{ expr: `max by (state) (bookflow_endpoints{${JOB}})`, legend: '{{state}}' }],
          width: 8,
        },
        {
          title: 'Disabled endpoints',
          description: 'Endpoints disabled now: their deliveries are held until they are enabled again.',
          kind: 'stat',
          threshold: 1,
          queries: [{ expr: `max(bookflow_endpoints{${JOB},state="disabled"})`, legend: 'disabled' }],
          width: 4,
        },
        {
          title: 'Longest-failing endpoints',
          description: 'How long each failing endpoint has failed (the 10 longest).',
          unit: 's',
          queries: [
            {
              expr: `topk(10, max by (endpoint_id, account_id) (bookflow_endpoint_failing_seconds{${JOB}}))`,
              legend: '{{endpoint_id}}',
            },
          ],
          width: 12,
        },
        {
          title: 'Per-endpoint health',
          description:
            'The endpoints that are failing or have deliveries waiting: failing for (s) and backlog.',
          kind: 'table',
          queries: [
            {
              expr: `max by (endpoint_id, account_id) (bookflow_endpoint_failing_seconds{${JOB}})`,
              legend: 'failing for',
            },
            {
              expr: `max by (endpoint_id, account_id) (bookflow_endpoint_backlog{${JOB}})`,
              legend: 'backlog',
            },
          ],
          width: 12,
        },
        {
          title: 'Backlog by endpoint',
          description: 'Deliveries waiting (pending or held) for the 10 most backed-up endpoints.',
          queries: [
            {
              expr: `topk(10, max by (endpoint_id, account_id) (bookflow_endpoint_backlog{${JOB}}))`,
              legend: '{{endpoint_id}}',
            },
          ],
          width: 12,
        },
      ],
    },
    {
      title: 'Workers',
      panels: [
        {
          title: 'Claims per worker',
          description:
            'Claim queries per second per delivery worker; a worker at zero has stopped claiming (alert).',
          unit: 'ops',
          queries: [
            {
              expr: `sum by (worker_id) (rate(bookflow_worker_claims_total{${JOB}}[${RATE}]))`,
              legend: '{{worker_id}}',
            },
          ],
        },
        {
          title: 'Deliveries claimed per worker',
          description: 'Deliveries claimed per second per delivery worker.',
          unit: 'ops',
          queries: [
            {
              expr: `sum by (worker_id) (rate(bookflow_worker_claimed_deliveries_total{${JOB}}[${RATE}]))`,
              legend: '{{worker_id}}',
            },
          ],
        },
      ],
    },
  ],
};
