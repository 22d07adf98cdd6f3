import { useEndpoints } from '../api/queries.ts';

/** A choice of the account's endpoints (shown by URL); `''` is the first option, `anyLabel`. */
export function EndpointSelect(props: {
  id: string;
  value: string;
  onChange: (endpointId: string) => void;
  anyLabel: string;
}) {
  const endpoints = useEndpoints();
  return (
    <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
      <option value="">{props.anyLabel}</option>
      {endpoints.data?.map((ep) => (
        <option key={ep.id} value={ep.id}>
          {ep.url}
        </option>
      ))}
    </select>
  );
}
