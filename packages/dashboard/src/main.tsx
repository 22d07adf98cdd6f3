import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { Layout } from './components/layout.tsx';
import { Catalogue } from './pages/catalogue.tsx';
import { DeadLetters } from './pages/dead-letters.tsx';
import { DeliveriesPage } from './pages/deliveries.tsx';
import { DeliveryPage } from './pages/delivery.tsx';
import { EndpointPage } from './pages/endpoint.tsx';
import { HealthPage } from './pages/health.tsx';
import { Integrations } from './pages/integrations.tsx';
import { Settings } from './pages/settings.tsx';
import './styles.css';

const client = new QueryClient({
  defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false, staleTime: 5_000 } },
});

const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      { path: '/', element: <Integrations /> },
      { path: '/sign-in', element: <Integrations /> },
      { path: '/endpoints/:id', element: <EndpointPage /> },
      { path: '/deliveries', element: <DeliveriesPage /> },
      { path: '/deliveries/:id', element: <DeliveryPage /> },
      { path: '/dead-letters', element: <DeadLetters /> },
      { path: '/health', element: <HealthPage /> },
      { path: '/catalogue', element: <Catalogue /> },
      { path: '/settings', element: <Settings /> },
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
