// `@bookflow/receiver/express`: the Express (or Connect, or node:http) middleware. Imports nothing from Express.
export { DEFAULT_BODY_LIMIT } from './adapters/body-limit.ts';
export {
  bookflowExpress,
  captureRawBody,
  type ExpressWebhookOptions,
  type RawBodyRequest,
} from './adapters/express.ts';
