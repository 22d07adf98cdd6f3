import { useState } from 'react';
import { EndpointSelect } from '../components/endpoint-select.tsx';
import { HealthCharts } from '../components/health-charts.tsx';

export function HealthPage() {
  const [endpointId, setEndpointId] = useState('');
  return (
    <>
      <h1>Health at a glance</h1>
      <div className="row">
        <label htmlFor="health-endpoint">Endpoint</label>
        <EndpointSelect
          id="health-endpoint"
          value={endpointId}
          onChange={setEndpointId}
          anyLabel="The whole account"
        />
      </div>
      <HealthCharts key={endpointId} endpointId={endpointId || undefined} />
    </>
  );
}
