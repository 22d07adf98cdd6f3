import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { Layout } from './components/layout.tsx';
import { DeadLetters } from './pages/dead-letters.tsx';
import { DeliveriesPage } from './pages/deliveries.tsx';
import { Integrations } from './pages/integrations.tsx';
import './styles.css';

const client = new QueryClient({
  defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false, staleTime: 5_000 } },
});

// Pages with the charts (uPlot) and the signing samples load when first opened, so the first
// screen ships only what it shows.
const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      { path: '/', element: <Integrations /> },
      { path: '/sign-in', element: <Integrations /> },
      {
        path: '/endpoints/:id',
        lazy: async () => ({ Component: (await import('./pages/endpoint.tsx')).EndpointPage }),
      },
      { path: '/deliveries', element: <DeliveriesPage /> },
      {
        path: '/deliveries/:id',
        lazy: async () => ({ Component: (await import('./pages/delivery.tsx')).DeliveryPage }),
      },
      { path: '/dead-letters', element: <DeadLetters /> },
      { path: '/health', lazy: async () => ({ Component: (await import('./pages/health.tsx')).HealthPage }) },
      {
        path: '/catalogue',
        lazy: async () => ({ Component: (await import('./pages/catalogue.tsx')).Catalogue }),
      },
      {
        path: '/settings',
        lazy: async () => ({ Component: (await import('./pages/settings.tsx')).Settings }),
      },
    ],
  },
]);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={client}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
