// The one contract between the UI and the services, shared by the Electron IPC wiring (main +
// preload) and the web host (POST /api/<channel>). A folder by domain: each channel is declared once
// in its domain file ({channel, request, response} under the name of the service method that answers
// it); contract.ts joins them; events.ts holds main → renderer events. Types come from the schemas.
export * from './core';
export * from './review';
export * from './workspace';
export * from './pipeline';
export * from './cast';
export * from './cleanup';
export * from './models';
export * from './queue';
export * from './events';
export * from './contract';
export * from './client';
export * from './web';
