export { openApiDocument, type OpenApiDocument } from './document';
export { openApiRoutes } from './routes';
export { OPERATIONS } from './operations';
