import { useState } from 'react';
import { useEndpoints } from '../api/queries.ts';
import { HealthCharts } from '../components/health-charts.tsx';

export function HealthPage() {
  const endpoints = useEndpoints();
  const [endpointId, setEndpointId] = useState('');
  return (
    <>
      <h1>Health at a glance</h1>
      <div className="row">
        <label htmlFor="health-endpoint">Endpoint</label>
        <select id="health-endpoint" value={endpointId} onChange={(e) => setEndpointId(e.target.value)}>
          <option value="">The whole account</option>
          {endpoints.data?.map((ep) => (
            <option key={ep.id} value={ep.id}>
              {ep.url}
            </option>
          ))}
        </select>
      </div>
      <HealthCharts key={endpointId} endpointId={endpointId || undefined} />
    </>
  );
}
