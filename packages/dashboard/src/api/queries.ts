import { useQuery } from '@tanstack/react-query';
import { api, query } from './client.ts';
import type { Catalogue, DeliveryPage, Endpoint, EndpointPage, Stats } from './types.ts';

export function useCatalogue() {
  return useQuery({
    queryKey: ['catalogue'],
    queryFn: () => api<Catalogue>('GET', '/v1/event-types'),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useEndpoints() {
  return useQuery({
    queryKey: ['endpoints'],
    queryFn: async () => (await api<EndpointPage>('GET', '/v1/endpoints?limit=250')).data,
  });
}

export function useEndpoint(id: string) {
  return useQuery({
    queryKey: ['endpoints', id],
    queryFn: () => api<Endpoint>('GET', `/v1/endpoints/${id}`),
  });
}

export interface DeliveryFilter {
  status?: string;
  event_type?: string;
  endpoint_id?: string;
  since?: string;
  until?: string;
}

export function useDeliveries(filter: DeliveryFilter, limit = 50) {
  return useQuery({
    queryKey: ['deliveries', filter, limit],
    queryFn: () => api<DeliveryPage>('GET', `/v1/deliveries${query({ ...filter, limit: String(limit) })}`),
  });
}

export function useStats(window: string, endpointId?: string) {
  return useQuery({
    queryKey: ['stats', window, endpointId ?? null],
    queryFn: () => api<Stats>('GET', `/v1/stats${query({ window, endpoint_id: endpointId })}`),
  });
}
